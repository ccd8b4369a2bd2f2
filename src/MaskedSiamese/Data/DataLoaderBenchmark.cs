using System.Diagnostics;
using MaskedSiamese.Data.Augmentation;

namespace MaskedSiamese.Data;

/// <summary>Measures how fast a <see cref="MultiViewLoader"/> delivers batches, alone or beside a simulated
/// step.</summary>
public static class DataLoaderBenchmark
{
    /// <summary>
    /// Takes <paramref name="batches"/> batches from epoch 0 on and times it. Each batch is passed to
    /// <paramref name="step"/> (e.g. a training step, or a busy loop standing for one) before it is disposed; with no
    /// step the result is the loader's raw throughput, with one <see cref="DataLoaderBenchmarkResult.WaitFraction"/>
    /// says how much of the run the step spent waiting for data.
    /// </summary>
    public static DataLoaderBenchmarkResult Run(IImageSource source, AugmentationOptions augmentation,
        LoaderOptions options, int batches, Action<MultiViewBatch>? step = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(augmentation);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batches);
        using var loader = new MultiViewLoader(source, augmentation, options);
        long images = 0;
        int taken = 0;
        var waiting = new Stopwatch();
        var clock = Stopwatch.StartNew();
        using (var reader = loader.Read(cancellation: cancellation).GetEnumerator())
        {
            while (taken < batches)
            {
                if (taken > 0) waiting.Start();
                bool more = reader.MoveNext();
                waiting.Stop();
                if (!more) break;
                using var batch = reader.Current;
                step?.Invoke(batch);
                images += batch.Count;
                taken++;
            }
        }
        double seconds = clock.Elapsed.TotalSeconds;
        return new DataLoaderBenchmarkResult(taken, images, images * (2 + augmentation.FocalCount), seconds,
            waiting.Elapsed.TotalSeconds, options.Workers);
    }
}
