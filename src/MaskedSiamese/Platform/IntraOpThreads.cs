using TorchSharp;

namespace MaskedSiamese.Platform;

/// <summary>
/// LibTorch's intra-op thread count, set for the span of one job and restored afterwards. The count changes results
/// in the last bits (reductions split over threads sum in another order), so a job that sets it for itself must not
/// leave it set for whatever its caller computes next. LibTorch keeps it per thread (OpenMP's), and a thread takes the
/// process-wide value of the moment of its first parallel operation: setting it on one thread also reaches threads
/// that start computing meanwhile, which no restore can undo. One process per job, as <c>msn</c> runs, is exact.
/// </summary>
public sealed class IntraOpThreads : IDisposable
{
    private readonly int _before;
    private bool _disposed;

    private IntraOpThreads(int before) => _before = before;

    /// <summary>Sets the count to <paramref name="threads"/> (0 leaves it as it is) until the result is
    /// disposed.</summary>
    public static IntraOpThreads Use(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        var scope = new IntraOpThreads(torch.get_num_threads());
        if (threads > 0 && threads != scope._before) torch.set_num_threads(threads);
        return scope;
    }

    /// <summary>Restores the count found when this was made.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (torch.get_num_threads() != _before) torch.set_num_threads(_before);
    }
}
