using MaskedSiamese.Data.Augmentation;
using TorchSharp;

namespace MaskedSiamese.Data;

/// <summary>
/// One deterministic pass over a source with <see cref="EvalTransform"/>, in index order, the last batch kept even if
/// short, prefetched by background workers as <see cref="MultiViewLoader"/> does. An item that fails to decode late is
/// left out of its batch (substituting another image would give it a wrong label); <see cref="EvalBatch.Indices"/> says
/// which rows are present.
/// </summary>
public sealed class EvalLoader : IDisposable
{
    private readonly IImageSource _source;
    private readonly PrefetchReader<EvalBatch> _reader = new();

    /// <summary>A loader over <paramref name="source"/>; <paramref name="loader"/> gives the batch size and threading (its seed is unused).</summary>
    public EvalLoader(IImageSource source, EvalOptions options, LoaderOptions loader)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loader);
        loader.Validate();
        _source = source;
        Options = options;
        Loader = loader;
    }

    /// <summary>The transform.</summary>
    public EvalOptions Options { get; }

    /// <summary>Batching and threading.</summary>
    public LoaderOptions Loader { get; }

    /// <summary>Batches in one pass, the last possibly short.</summary>
    public int BatchCount => (_source.Count + Loader.BatchSize - 1) / Loader.BatchSize;

    /// <summary>Worker threads currently alive.</summary>
    public int RunningWorkers => _reader.RunningWorkers;

    /// <summary>All batches in order; leaving the loop early or cancelling stops and joins the workers.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
    public IEnumerable<EvalBatch> Read(CancellationToken cancellation = default) =>
        _reader.Read(0, BatchCount, Loader.Workers, Loader.Prefetch, ordinal => MakeBatch((int)ordinal), cancellation);

    /// <summary>Builds batch <paramref name="step"/> on the calling thread.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such batch.</exception>
    public EvalBatch MakeBatch(int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(step, BatchCount);
        int first = step * Loader.BatchSize, end = Math.Min(_source.Count, first + Loader.BatchSize);
        int size = Options.CropSize, viewLen = 3 * size * size;
        var pixels = new float[(end - first) * viewLen];
        var indices = new List<int>(end - first);
        var labels = new List<int>(end - first);
        for (int i = first; i < end; i++)
        {
            if (_source.TryGet(i) is not { } image) continue;
            EvalTransform.Apply(image, Options).Data.CopyTo(pixels, indices.Count * viewLen);
            indices.Add(i);
            labels.Add(_source.Label(i));
        }
        if (indices.Count < end - first) Array.Resize(ref pixels, indices.Count * viewLen);
        using var scope = torch.NewDisposeScope();
        var images = torch.tensor(pixels, [indices.Count, 3, size, size]);
        images.DetachFromDisposeScope();
        return new EvalBatch(images, indices, labels, step);
    }

    /// <summary>Stops and joins the workers of any open pass and frees the batches made ahead.</summary>
    public void Dispose() => _reader.Dispose();
}
