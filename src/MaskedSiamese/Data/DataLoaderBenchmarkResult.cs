namespace MaskedSiamese.Data;

/// <summary>What <see cref="DataLoaderBenchmark.Run"/> measured.</summary>
/// <param name="Batches">Batches taken from the loader.</param>
/// <param name="Images">Images in them.</param>
/// <param name="Views">Views made (images × (2 + focal views)).</param>
/// <param name="Seconds">Wall time from the first request to the end of the last step, worker start-up
/// included.</param>
/// <param name="WaitSeconds">
/// Time the consumer spent waiting for batches after the first one (the first includes start-up, so it is left out).
/// </param>
/// <param name="Workers">Worker threads used.</param>
public sealed record DataLoaderBenchmarkResult(int Batches, long Images, long Views, double Seconds, double WaitSeconds,
    int Workers)
{
    /// <summary>Batches per second.</summary>
    public double BatchesPerSecond => Batches / Seconds;

    /// <summary>Source images per second.</summary>
    public double ImagesPerSecond => Images / Seconds;

    /// <summary>Augmented views per second.</summary>
    public double ViewsPerSecond => Views / Seconds;

    /// <summary>The share of the time the consumer waited: what a training step of this length would lose to
    /// data.</summary>
    public double WaitFraction => WaitSeconds / Seconds;
}
