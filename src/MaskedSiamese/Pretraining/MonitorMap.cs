using System.Diagnostics;
using System.Globalization;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Diagnostics;

namespace MaskedSiamese.Pretraining;

/// <summary>
/// The monitor set's query images as a checkpoint's target encoder embeds them, mapped to 2-D by <see cref="Tsne"/>
/// and drawn coloured by class (<see cref="EmbeddingMapChart"/>): whether the classes the k-NN figure counts lie in
/// clusters of their own. <see cref="PretrainingRun"/> draws it once, when the schedule completes, into
/// <see cref="FileName"/> and the run's report.
/// </summary>
public static class MonitorMap
{
    /// <summary>The map's file name in the run folder.</summary>
    public const string FileName = "embedding_map.png";

    /// <summary>The map of <paramref name="monitor"/>'s queries under the target encoder of
    /// <paramref name="checkpoint"/> (at step <paramref name="step"/>), t-SNE seeded with <paramref name="seed"/>;
    /// the PNG and the seconds the embedding and t-SNE took.</summary>
    public static (byte[] Png, double Seconds) Draw(KnnMonitor monitor, string checkpoint, long step, long seed)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        ArgumentNullException.ThrowIfNull(checkpoint);
        var clock = Stopwatch.StartNew();
        (double X, double Y)[] points;
        using (var weights = MsnCheckpoint.LoadAny(checkpoint))
        using (var encoder = weights.CreateTargetEncoder())
        using (var features = monitor.EmbedQueries(encoder))
            points = Tsne.Embed(features, new TsneOptions { Seed = seed });
        double seconds = clock.Elapsed.TotalSeconds;
        string title = string.Create(CultureInfo.InvariantCulture,
            $"Monitor queries at step {step}: t-SNE of the target encoder's features");
        return (EmbeddingMapChart.RenderPng(points, monitor.QueryLabels, monitor.ClassNames, title), seconds);
    }
}
