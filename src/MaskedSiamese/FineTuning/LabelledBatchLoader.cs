using MaskedSiamese.Data;
using MaskedSiamese.Data.Augmentation;
using TorchSharp;

namespace MaskedSiamese.FineTuning;

/// <summary>
/// Fine-tuning batches of a labelled image source: each epoch visits the images in a permutation fixed by
/// (seed, epoch) in batches of min(batch size, images), dropping the incomplete last one; each image's crop and flip
/// are fixed by (seed, epoch, image). Batches are thus a pure function of the global step, which is what a resumed
/// run needs to continue bit for bit. Decoding and augmentation run on background threads ahead of the step.
/// </summary>
internal sealed class LabelledBatchLoader
{
    // Random streams of this loader, apart from each other and from the pretraining loader's.
    private const long ShuffleStream = 11, AugmentStream = 12;

    private readonly IImageSource _source;
    private readonly ViewOptions _view;
    private readonly int _seed;
    private readonly int _workers;

    public LabelledBatchLoader(IImageSource source, ViewOptions view, int batchSize, int seed, int workers)
    {
        _source = source;
        _view = view;
        _seed = seed;
        _workers = workers;
        BatchSize = Math.Min(batchSize, source.Count);
    }

    /// <summary>Images per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Full batches per epoch.</summary>
    public int BatchesPerEpoch => _source.Count / BatchSize;

    /// <summary>The batches from global step <paramref name="fromStep"/> on, without end.</summary>
    public IEnumerable<LabelledBatch> Read(long fromStep, CancellationToken cancellation)
    {
        using var pipeline = new PrefetchPipeline<LabelledBatch>(fromStep, long.MaxValue, _workers, 2, MakeBatch,
            cancellation);
        foreach (var batch in pipeline.Read()) yield return batch;
    }

    /// <summary>Builds the batch of global step <paramref name="ordinal"/> on the calling thread.</summary>
    public LabelledBatch MakeBatch(long ordinal)
    {
        int epoch = (int)(ordinal / BatchesPerEpoch), step = (int)(ordinal % BatchesPerEpoch);
        int[] order = new SeededRandom(_seed, epoch, -1, ShuffleStream).Permutation(_source.Count);
        int b = BatchSize, length = 3 * _view.Size * _view.Size;
        var pixels = new float[b * length];
        var labels = new long[b];
        for (int row = 0; row < b; row++)
        {
            int drawn = order[step * b + row];
            using var claim = DecodeBudget.Enter(_source.PixelCount(drawn));   // until its view is cut
            var (index, image) = Decode(drawn);
            labels[row] = _source.Label(index);
            var random = new SeededRandom(_seed, epoch, drawn, AugmentStream);
            ViewAugmenter.Apply(image, _view, random).Data.CopyTo(pixels, row * length);
        }
        using var scope = torch.NewDisposeScope();
        var images = torch.tensor(pixels, [b, 3, _view.Size, _view.Size]).DetachFromDisposeScope();
        var targets = torch.tensor(labels).DetachFromDisposeScope();
        return new LabelledBatch(images, targets, epoch, step);
    }

    // As the pretraining loader: an image that fails to decode late is replaced by the next readable one, so the
    // batch stays full and the same on every run.
    private (int Index, FloatImage Image) Decode(int index)
    {
        for (int tries = 0; tries < _source.Count; tries++)
        {
            int i = (index + tries) % _source.Count;
            if (_source.TryGet(i) is { } rgb) return (i, FloatImage.FromRgb(rgb));
        }
        throw new InvalidDataException($"None of the {_source.Count} labelled images could be decoded");
    }
}
