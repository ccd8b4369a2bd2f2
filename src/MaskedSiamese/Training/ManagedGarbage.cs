namespace MaskedSiamese.Training;

/// <summary>
/// Bounds the managed heap of a training process. .NET sizes its youngest-generation budget from the L3 cache, and a
/// large shared L3 (260 MB on our CI machine) lets the loader's ~16 MB of per-batch garbage pile up to ~150 MB before
/// the first collection and ~100–200 MB between later ones: a large, timing-dependent share of peak RSS. One full
/// blocking collection per step keeps it to one step's garbage at ~2 ms a step (0.3% on fmnist_msn_small), and
/// measured peak RSS fell from 1.22–1.40 GB to 1.08–1.12 GB there.
/// </summary>
internal static class ManagedGarbage
{
    /// <summary>Collects all generations now, blocking, so the heap holds only live objects.</summary>
    public static void CollectAfterStep() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true);
}
