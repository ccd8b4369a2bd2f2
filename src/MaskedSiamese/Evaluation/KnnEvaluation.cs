namespace MaskedSiamese.Evaluation;

/// <summary>Weighted k-NN (cosine) of a checkpoint's frozen features with all training labels, beside its
/// baselines: <c>msn eval knn</c>.</summary>
public static class KnnEvaluation
{
    /// <summary>Runs the evaluation of <paramref name="checkpointPath"/>.</summary>
    /// <param name="checkpointPath">Ours (.safetensors) or an official .pth.tar.</param>
    /// <param name="options">Data, features, baselines, cache (its low-shot settings are not used).</param>
    /// <param name="k">Neighbours voting.</param>
    /// <param name="temperature">T of the exp(cosine / T) vote weights.</param>
    /// <param name="log">Receives progress lines and one line per unreadable image, if given.</param>
    /// <param name="cancellation">Stops feature extraction between batches.</param>
    public static AllLabelsResult Run(string checkpointPath, LowShotEvaluationOptions? options = null,
        int k = KnnClassifier.DefaultK, double temperature = KnnClassifier.DefaultTemperature,
        TextWriter? log = null, CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (!(temperature > 0)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "must be > 0");
        return AllLabelsEvaluation.Run("knn", checkpointPath, options ?? new LowShotEvaluationOptions(),
            (set, classes) => KnnClassifier.Accuracy(set.Train.Features, set.Train.Labels, set.Test.Features,
                set.Test.Labels, classes, k, temperature), log, cancellation);
    }
}
