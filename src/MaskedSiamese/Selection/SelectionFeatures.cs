using MaskedSiamese.Checkpoints;
using MaskedSiamese.Configuration;
using MaskedSiamese.Data;
using MaskedSiamese.Evaluation;

namespace MaskedSiamese.Selection;

/// <summary>
/// The features <c>msn select</c> chooses on: a checkpoint's target encoder (as <c>msn fit</c> reads them) or raw
/// pixels, of the training images of a location, through the feature cache under the same keys as <c>msn eval</c>, so
/// that features extracted by one command serve the others.
/// </summary>
public static class SelectionFeatures
{
    /// <summary>Extracts (or reads from <paramref name="cache"/>) the features of <paramref name="location"/>'s
    /// training
    /// images.</summary>
    /// <param name="location"><c>fashion-mnist</c>, <c>fashion-mnist:FOLDER</c> or a folder.</param>
    /// <param name="checkpointPath">The checkpoint; null for raw pixels.</param>
    /// <param name="choice">Which encoder output (ignored for pixels).</param>
    /// <param name="numHeads">Heads of an official checkpoint whose shape names no model.</param>
    /// <param name="cache">The cache, or null to extract every time.</param>
    /// <param name="progress">(done, total) during extraction.</param>
    /// <param name="log">One line per unreadable image.</param>
    /// <param name="cancellation">Stops between batches.</param>
    /// <returns>The features and the path of each source item.</returns>
    public static (FeatureTable Table, Func<int, string> PathOf) Extract(string location, string? checkpointPath,
        FeatureChoice choice, int? numHeads = null, FeatureCache? cache = null,
        IProgress<(int Done, int Total)>? progress = null, TextWriter? log = null,
        CancellationToken cancellation = default)
    {
        var (source, pathOf) = EmbeddingFiles.Open(location, "train", log);
        string identity = EvaluationData.TrainIdentityOf(location, source);
        var options = new FeatureExtractorOptions { Progress = progress, Choice = choice };
        FeatureTable Cached(string[] key, Func<FeatureTable> compute) =>
            cache is null ? compute() : cache.GetOrCreate([.. key, identity], compute);
        if (checkpointPath is null)
            return (Cached(["pixels raw"], () => FeatureExtractor.ExtractPixels(source, null, options, cancellation)),
                pathOf);
        using var checkpoint = MsnCheckpoint.LoadAny(checkpointPath, numHeads);
        var eval = EvalTransformResolver.Resolve(checkpoint, EvalTransformChoice.Auto);
        var table = Cached(["checkpoint sha256 " + FeatureCache.HashFile(checkpointPath), FeatureCache.Describe(eval),
            "features " + choice], () =>
        {
            using var encoder = checkpoint.CreateTargetEncoder();
            return FeatureExtractor.Extract(encoder, source, eval, options, cancellation);
        });
        return (table, pathOf);
    }
}
