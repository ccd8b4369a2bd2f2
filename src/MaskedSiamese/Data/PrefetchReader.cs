namespace MaskedSiamese.Data;

/// <summary>
/// Runs <see cref="PrefetchPipeline{T}"/> enumerations for a loader: each enumeration gets its own workers, which are
/// stopped and joined when the enumeration ends, fails, is cancelled, or the loader is disposed.
/// </summary>
internal sealed class PrefetchReader<T> : IDisposable
    where T : class, IDisposable
{
    private readonly List<PrefetchPipeline<T>> _pipelines = [];
    private readonly Lock _lock = new();
    private bool _disposed;

    /// <summary>Worker threads alive across the open enumerations.</summary>
    public int RunningWorkers
    {
        get
        {
            lock (_lock) return _pipelines.Sum(p => p.RunningWorkers);
        }
    }

    /// <summary>The items for ordinals <paramref name="first"/> ≤ n &lt; <paramref name="end"/>, in order.</summary>
    public IEnumerable<T> Read(long first, long end, int workers, int prefetch, Func<long, T> build,
        CancellationToken cancellation)
    {
        var pipeline = new PrefetchPipeline<T>(first, end, workers, prefetch, build, cancellation);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _pipelines.Add(pipeline);
        }
        try
        {
            pipeline.Start();
            for (long ordinal = first; ordinal < end; ordinal++) yield return pipeline.Take(ordinal);
        }
        finally
        {
            pipeline.Dispose();
            lock (_lock) _pipelines.Remove(pipeline);
        }
    }

    /// <summary>Stops and joins the workers of every open enumeration and frees their pending items.</summary>
    public void Dispose()
    {
        PrefetchPipeline<T>[] open;
        lock (_lock)
        {
            _disposed = true;
            open = [.. _pipelines];
        }
        foreach (var p in open) p.Dispose();
    }
}
