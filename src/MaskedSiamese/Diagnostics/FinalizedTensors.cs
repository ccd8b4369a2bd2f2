using TorchSharp;

namespace MaskedSiamese.Diagnostics;

/// <summary>
/// Counts the tensors that reached their finaliser: those nobody disposed. A tensor's finaliser disposes it on the
/// GC's finaliser thread, and TorchSharp counts every disposal in the statistics of the thread that does it, so the
/// finaliser thread's tensor disposals are exactly the tensors left to the GC. Their statistics object is taken
/// once, from inside a finaliser. A tensor left in a dispose scope that was disposed without it is worse: its
/// finaliser throws and kills the process (then the process dies instead of this count rising).
/// </summary>
/// <remarks>Each call forces full blocking collections and waits for the finalisers: for tests and diagnostics
/// (<c>MSN_CHECK_TENSOR_LIFETIMES=1 msn …</c>), not for hot paths.</remarks>
public static class FinalizedTensors
{
    private static LifetimeStatistics? s_finalizerThread;

    /// <summary>Tensors finalised so far in this process, counted after a full collection that runs every pending
    /// finaliser.</summary>
    public static long Count()
    {
        CollectEverything();
        if (Volatile.Read(ref s_finalizerThread) is null)
        {
            Capture();
            CollectEverything();
        }
        var stats = Volatile.Read(ref s_finalizerThread)
            ?? throw new InvalidOperationException("the GC's finaliser thread ran no finaliser");
        return stats.DisposedInScopeCount + stats.DisposedOutsideScopeCount;
    }

    /// <summary>Runs <paramref name="work"/> and returns how many tensors were left to their finalisers meanwhile
    /// (counted after a full collection). Other threads' leaks in that time count too: run nothing beside it.</summary>
    public static long LeftBy(Action work)
    {
        ArgumentNullException.ThrowIfNull(work);
        long before = Count();
        work();
        return Count() - before;
    }

    private static void CollectEverything()
    {
        for (int i = 0; i < 2; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
    }

    // Allocated in a method of its own, so that no live local keeps it reachable.
    private static void Capture() => _ = new Probe();

    private sealed class Probe
    {
        ~Probe() => Volatile.Write(ref s_finalizerThread, DisposeScopeManager.Statistics.TensorStatistics);
    }
}
