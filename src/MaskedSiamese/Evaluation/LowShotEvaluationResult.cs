using System.Text.Json;
using System.Text.Json.Nodes;

namespace MaskedSiamese.Evaluation;

/// <summary>The outcome of <see cref="LowShotEvaluation.Run"/>: the protocol's report plus provenance and
/// timings.</summary>
/// <param name="Report">Accuracy per regime and split for the checkpoint and its baselines.</param>
/// <param name="Checkpoint">The checkpoint file.</param>
/// <param name="CheckpointSha256">Its content hash (the feature cache key).</param>
/// <param name="Data">The data location.</param>
/// <param name="Features">The feature choice (<c>last-block</c>, <c>final-norm</c>, <c>blocks:N</c>).</param>
/// <param name="Transform">The evaluation transform, as text.</param>
/// <param name="Dropped">Train and test images that could not be read (dropped from every representation).</param>
/// <param name="ExtractionSeconds">Feature time per representation (seconds; near zero when cached).</param>
/// <param name="TotalSeconds">Wall time of the whole evaluation.</param>
public sealed record LowShotEvaluationResult(LowShotReport Report, string Checkpoint, string CheckpointSha256,
    string Data, string Features, string Transform, int Dropped, IReadOnlyDictionary<string, double> ExtractionSeconds,
    double TotalSeconds)
{
    /// <summary>
    /// The report's JSON (readable by <see cref="LowShotReport.FromJson"/>) with an added <c>evaluation</c> object:
    /// checkpoint, hash, data, features, transform, dropped images and timings.
    /// </summary>
    public string ToJson()
    {
        var root = JsonNode.Parse(Report.ToJson())!.AsObject();
        var seconds = new JsonObject();
        foreach (var (k, v) in ExtractionSeconds) seconds[k] = Math.Round(v, 3);
        root["evaluation"] = new JsonObject
        {
            ["checkpoint"] = Checkpoint,
            ["checkpointSha256"] = CheckpointSha256,
            ["data"] = Data,
            ["features"] = Features,
            ["transform"] = Transform,
            ["droppedImages"] = Dropped,
            ["extractionSeconds"] = seconds,
            ["totalSeconds"] = Math.Round(TotalSeconds, 3),
        };
        return root.ToJsonString(new JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
    }

    /// <summary>Writes the accuracy chart (PNG).</summary>
    public void SaveChart(string path) =>
        AccuracyChart.SavePng(Report, path, title: $"Low-shot top-1: {Path.GetFileName(Checkpoint)} ({Features})");
}
