using MaskedSiamese.Data.Augmentation;
using TorchSharp;

namespace MaskedSiamese.Data;

/// <summary>
/// Turns an <see cref="IImageSource"/> into MSN training batches. Each epoch visits the items in a permutation fixed by
/// (seed, epoch) and drops the last incomplete batch; each item's views are fixed by (seed, epoch, item index). Batches
/// are therefore a pure function of (seed, epoch, step): a run resumed at any step sees the batches an uninterrupted
/// run would, whatever the number of workers or their timing.
/// </summary>
public sealed class MultiViewLoader : IDisposable
{
    // Separates the shuffle's random stream from the per-item augmentation streams, which use the item index.
    private const long ShuffleStream = 1;

    private readonly IImageSource _source;
    private readonly Lock _lock = new();
    private readonly List<PrefetchPipeline<MultiViewBatch>> _open = [];
    private bool _disposed;
    private (int Epoch, int[] Order)? _lastPermutation;

    /// <summary>A loader over <paramref name="source"/>; nothing runs until <see cref="Read"/> is enumerated.</summary>
    /// <exception cref="ArgumentException">The source has fewer items than one batch, or the options are
    /// invalid.</exception>
    public MultiViewLoader(IImageSource source, AugmentationOptions augmentation, LoaderOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(augmentation);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(augmentation.FocalCount);
        if (source.Count < options.BatchSize * options.WorldSize)
            throw new ArgumentException($"{source.Count} images are fewer than one batch of " +
                $"{options.BatchSize * options.WorldSize}", nameof(source));
        _source = source;
        Augmentation = augmentation;
        Options = options;
    }

    /// <summary>The views made of every item.</summary>
    public AugmentationOptions Augmentation { get; }

    /// <summary>Batching and threading.</summary>
    public LoaderOptions Options { get; }

    /// <summary>Full global batches per epoch (each of <see cref="LoaderOptions.WorldSize"/> × batch size
    /// items).</summary>
    public int BatchesPerEpoch => _source.Count / (Options.BatchSize * Options.WorldSize);

    /// <summary>Worker threads currently alive across this loader's enumerations.</summary>
    public int RunningWorkers
    {
        get
        {
            lock (_lock) return _open.Sum(p => p.RunningWorkers);
        }
    }

    /// <summary>
    /// The batches from (<paramref name="startEpoch"/>, <paramref name="startStep"/>) on, through
    /// <paramref name="epochs"/> epochs counted from <paramref name="startEpoch"/> (null: without end), made ahead by
    /// background workers and yielded in order. Disposing the enumerator (leaving a <c>foreach</c>) or cancelling stops
    /// and joins the workers and frees the batches made ahead; batches already yielded belong to the caller.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
    public IEnumerable<MultiViewBatch> Read(int startEpoch = 0, int startStep = 0, int? epochs = null,
        CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(startEpoch);
        ArgumentOutOfRangeException.ThrowIfNegative(startStep);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(startStep, BatchesPerEpoch);
        long first = (long)startEpoch * BatchesPerEpoch + startStep;
        long end = epochs is { } e ? (long)(startEpoch + e) * BatchesPerEpoch : long.MaxValue;
        return ReadBatches(first, end, cancellation);
    }

    // One pipeline per enumeration, registered so that Dispose can stop it from another thread.
    private IEnumerable<MultiViewBatch> ReadBatches(long first, long end, CancellationToken cancellation)
    {
        var pipeline = new PrefetchPipeline<MultiViewBatch>(first, end, Options.Workers, Options.Prefetch, BuildBatch,
            cancellation);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _open.Add(pipeline);
        }
        try
        {
            foreach (var batch in pipeline.Read()) yield return batch;
        }
        finally
        {
            pipeline.Dispose();
            lock (_lock) _open.Remove(pipeline);
        }
    }

    private MultiViewBatch BuildBatch(long ordinal)
    {
        try
        {
            return MakeBatch((int)(ordinal / BatchesPerEpoch), (int)(ordinal % BatchesPerEpoch));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The training loop sees which part failed; the cause stays attached.
            throw new InvalidOperationException("A data loader worker failed: " + e.Message, e);
        }
    }

    /// <summary>Builds one batch on the calling thread (what the workers do), e.g. for tests or a single-threaded
    /// run.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The epoch is negative or the step not within the
    /// epoch.</exception>
    public MultiViewBatch MakeBatch(int epoch, int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(step, BatchesPerEpoch);
        int[] order = Order(epoch);
        int b = Options.BatchSize, world = Options.WorldSize;
        var g = Augmentation.Global;
        var f = Augmentation.Focal;
        int globalLen = 3 * g.Size * g.Size, focalLen = 3 * f.Size * f.Size;
        var target = new float[b * globalLen];
        var anchor = new float[b * globalLen];
        var focal = new float[Augmentation.FocalCount][];
        for (int v = 0; v < focal.Length; v++) focal[v] = new float[b * focalLen];
        var indices = new int[b];
        var labels = new int[b];
        for (int row = 0; row < b; row++)
        {
            // This rank's interleaved share of the global batch (DistributedSampler's order); one process:
            // order[step·b + row].
            int drawn = order[(step * b + row) * world + Options.Rank];
            using var claim = DecodeBudget.Enter(_source.PixelCount(drawn));   // until its views are cut
            var (index, image) = Decode(drawn);
            indices[row] = index;
            labels[row] = _source.Label(index);
            // Keyed by the drawn item, unique within the epoch, so a substitute for an unreadable item gets its own
            // views.
            var random = new SeededRandom(Options.Seed, epoch, drawn);
            ViewAugmenter.Apply(image, g, random).Data.CopyTo(target, row * globalLen);
            ViewAugmenter.Apply(image, g, random).Data.CopyTo(anchor, row * globalLen);
            for (int v = 0; v < focal.Length; v++)
                ViewAugmenter.Apply(image, f, random).Data.CopyTo(focal[v], row * focalLen);
        }

        // Tensors made under a scope and detached from it, so none is left in a scope of this thread and a failure
        // half-way frees what was made.
        using var scope = torch.NewDisposeScope();
        var tTarget = torch.tensor(target, [b, 3, g.Size, g.Size]);
        var tAnchor = torch.tensor(anchor, [b, 3, g.Size, g.Size]);
        var tFocal = focal.Select(x => torch.tensor(x, [b, 3, f.Size, f.Size])).ToArray();
        foreach (var t in tFocal.Append(tTarget).Append(tAnchor)) t.DetachFromDisposeScope();
        return new MultiViewBatch(tTarget, tAnchor, tFocal, indices, labels, epoch, step);
    }

    /// <summary>The order in which epoch <paramref name="epoch"/> visits the items.</summary>
    public IReadOnlyList<int> Permutation(int epoch) => Array.AsReadOnly(Order(epoch));

    // Cached for the epoch in progress: every batch of the epoch needs it.
    private int[] Order(int epoch)
    {
        lock (_lock)
        {
            if (_lastPermutation is { } last && last.Epoch == epoch) return last.Order;
        }
        int[] order = new SeededRandom(Options.Seed, epoch, -1, ShuffleStream).Permutation(_source.Count);
        lock (_lock) _lastPermutation = (epoch, order);
        return order;
    }

    /// <summary>Stops and joins the workers of every enumeration still open and frees their pending batches.</summary>
    public void Dispose()
    {
        PrefetchPipeline<MultiViewBatch>[] open;
        lock (_lock)
        {
            _disposed = true;
            open = [.. _open];
        }
        foreach (var p in open) p.Dispose();
    }

    // A late decoding failure takes the next readable item instead, so the batch stays full and deterministic.
    private (int Index, FloatImage Image) Decode(int index)
    {
        for (int tries = 0; tries < _source.Count; tries++)
        {
            int i = (index + tries) % _source.Count;
            if (_source.TryGet(i) is { } rgb) return (i, FloatImage.FromRgb(rgb));
        }
        throw new InvalidDataException($"None of the {_source.Count} images could be decoded");
    }
}
