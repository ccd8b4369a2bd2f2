using System.Runtime.ExceptionServices;

namespace MaskedSiamese.Data;

/// <summary>
/// Worker threads that build items (batches) for consecutive ordinals, at most <c>prefetch</c> ahead of the consumer,
/// and hand them over in ordinal order whatever order they finish in. One lock guards all state; waits are woken by
/// pulses, including on cancellation. The one prefetching pipeline of the library: the multi-view loader's training
/// batches and the feature extractor's evaluation batches both come through it.
/// </summary>
internal sealed class PrefetchPipeline<T> : IDisposable
    where T : class, IDisposable
{
    private readonly object _lock = new(); // Monitor.Wait/Pulse need a plain object, not a Lock
    private readonly Dictionary<long, T> _ready = [];
    private readonly Func<long, T> _build;
    private readonly Thread[] _threads;
    private readonly CancellationTokenSource _stop;
    private readonly CancellationToken _external;
    private readonly CancellationTokenRegistration _registration;
    private readonly long _first;
    private readonly long _end;
    private readonly int _prefetch;
    private long _nextClaim;
    private long _nextTake;
    private Exception? _failure;
    private int _running;
    private bool _disposed;

    public PrefetchPipeline(long first, long end, int workers, int prefetch, Func<long, T> build,
        CancellationToken external)
    {
        _first = _nextClaim = _nextTake = first;
        _end = end;
        _prefetch = prefetch;
        _build = build;
        _external = external;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(external);
        _registration = _stop.Token.Register(() =>
        {
            lock (_lock) Monitor.PulseAll(_lock);
        });
        _threads = new Thread[workers];
        for (int i = 0; i < workers; i++)
            _threads[i] = new Thread(Work) { IsBackground = true, Name = $"msn-data-{i}" };
    }

    public int RunningWorkers => Volatile.Read(ref _running);

    /// <summary>
    /// Starts the workers and yields the items in ordinal order. Leaving the enumeration, a failure or cancellation
    /// stops and joins the workers and frees the items made ahead; items already yielded belong to the caller. A
    /// worker's exception is rethrown as it was thrown.
    /// </summary>
    public IEnumerable<T> Read()
    {
        try
        {
            Start();
            for (long ordinal = _first; ordinal < _end; ordinal++) yield return Take(ordinal);
        }
        finally
        {
            Dispose();
        }
    }

    private void Start()
    {
        foreach (var t in _threads)
        {
            Interlocked.Increment(ref _running);
            t.Start();
        }
    }

    /// <summary>Waits for the batch of <paramref name="ordinal"/> (the next one in order) and takes it.</summary>
    private T Take(long ordinal)
    {
        lock (_lock)
        {
            while (true)
            {
                _external.ThrowIfCancellationRequested();
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_failure is not null) ExceptionDispatchInfo.Capture(_failure).Throw();
                if (_ready.Remove(ordinal, out var batch))
                {
                    _nextTake = ordinal + 1;
                    Monitor.PulseAll(_lock);
                    return batch;
                }
                Monitor.Wait(_lock);
            }
        }
    }

    private void Work()
    {
        try
        {
            while (true)
            {
                long ordinal;
                lock (_lock)
                {
                    while (!_stop.IsCancellationRequested && _nextClaim < _end && _nextClaim >= _nextTake + _prefetch)
                        Monitor.Wait(_lock);
                    if (_stop.IsCancellationRequested || _nextClaim >= _end) return;
                    ordinal = _nextClaim++;
                }
                var batch = _build(ordinal);
                lock (_lock)
                {
                    if (_stop.IsCancellationRequested)
                    {
                        batch.Dispose();
                        return;
                    }
                    _ready.Add(ordinal, batch);
                    Monitor.PulseAll(_lock);
                }
            }
        }
#pragma warning disable CA1031 // any failure is handed to the consumer thread, which rethrows it
        catch (Exception e)
#pragma warning restore CA1031
        {
            lock (_lock)
            {
                _failure ??= e;
                Monitor.PulseAll(_lock);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
        }
        _stop.Cancel();
        foreach (var t in _threads)
            if (t.ThreadState != ThreadState.Unstarted) t.Join();
        _registration.Dispose();
        _stop.Dispose();
        lock (_lock)
        {
            foreach (var b in _ready.Values) b.Dispose();
            _ready.Clear();
        }
    }
}
