using System.Diagnostics;
using MaskedSiamese.Data.Augmentation;

namespace MaskedSiamese.Data;

/// <summary>Measures how fast a <see cref="MultiViewLoader"/> delivers batches when nothing else consumes them.</summary>
public static class DataLoaderBenchmark
{
    /// <summary>Takes <paramref name="batches"/> batches from epoch 0 on, disposing each, and times it.</summary>
    public static DataLoaderBenchmarkResult Run(IImageSource source, AugmentationOptions augmentation,
        LoaderOptions options, int batches, CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batches);
        using var loader = new MultiViewLoader(source, augmentation, options);
        long images = 0;
        int taken = 0;
        var clock = Stopwatch.StartNew();
        foreach (var batch in loader.Read(cancellation: cancellation))
        {
            using (batch) images += batch.Count;
            if (++taken == batches) break;
        }
        double seconds = clock.Elapsed.TotalSeconds;
        return new DataLoaderBenchmarkResult(taken, images, images * (2 + augmentation.FocalCount), seconds, options.Workers);
    }
}
