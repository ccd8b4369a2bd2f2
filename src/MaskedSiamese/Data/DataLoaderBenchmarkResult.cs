namespace MaskedSiamese.Data;

/// <summary>What <see cref="DataLoaderBenchmark.Run"/> measured.</summary>
/// <param name="Batches">Batches taken from the loader.</param>
/// <param name="Images">Images in them.</param>
/// <param name="Views">Views made (images × (2 + focal views)).</param>
/// <param name="Seconds">Wall time from the first request to the last batch, worker start-up included.</param>
/// <param name="Workers">Worker threads used.</param>
public sealed record DataLoaderBenchmarkResult(int Batches, long Images, long Views, double Seconds, int Workers)
{
    /// <summary>Batches per second.</summary>
    public double BatchesPerSecond => Batches / Seconds;

    /// <summary>Source images per second.</summary>
    public double ImagesPerSecond => Images / Seconds;

    /// <summary>Augmented views per second.</summary>
    public double ViewsPerSecond => Views / Seconds;
}
