using System.Diagnostics;
using MaskedSiamese.Checkpoints;

namespace MaskedSiamese.Evaluation;

/// <summary>
/// The flow shared by the all-label evaluations (<see cref="KnnEvaluation"/>, <see cref="LinearProbeEvaluation"/>):
/// open the data, extract the checkpoint's features and its baselines' (through the cache, as the low-shot
/// evaluation), then fit and score every representation on all training labels.
/// </summary>
internal static class AllLabelsEvaluation
{
    /// <summary>Runs <paramref name="score"/> (train set, test set, classes → accuracy) on every
    /// representation.</summary>
    public static AllLabelsResult Run(string protocol, string checkpointPath, LowShotEvaluationOptions options,
        Func<FeatureSet, int, double> score, TextWriter? log, CancellationToken cancellation)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(checkpointPath);
        var data = EvaluationData.Open(options.Data, log);
        using var checkpoint = MsnCheckpoint.LoadAny(checkpointPath, options.NumHeads);
        string hash = FeatureCache.HashFile(checkpointPath);
        var eval = options.ResolveTransform(checkpoint);
        log?.WriteLine("transform: " + eval.Describe());
        var sets = LowShotEvaluation.ExtractAll(checkpoint, hash, data, eval, options, options.Baselines, log,
            cancellation);
        try
        {
            var trainLabels = sets[0].Train.Labels;
            var testLabels = sets[0].Test.Labels;
            if (trainLabels.Any(l => l < 0) || testLabels.Any(l => l < 0))
                throw new InvalidDataException($"{options.Data}: the {protocol} evaluation needs labelled train/ and " +
                    $"val/ images (class subfolders)");
            int classes = Math.Max(data.Train.ClassNames.Count, trainLabels.Concat(testLabels).Max() + 1);
            var scores = new List<AllLabelsScore>();
            foreach (var set in sets)
            {
                var watch = Stopwatch.StartNew();
                double accuracy = score(set, classes);
                scores.Add(new AllLabelsScore(set.Name, set.Train.Dimension, accuracy, watch.Elapsed.TotalSeconds,
                    set.Seconds));
            }
            return new AllLabelsResult(protocol, checkpointPath, hash, options.Data, options.Features.ToString(),
                FeatureCache.Describe(eval), classes, trainLabels.Count, testLabels.Count, scores);
        }
        finally
        {
            foreach (var s in sets) s.Dispose();
        }
    }
}
