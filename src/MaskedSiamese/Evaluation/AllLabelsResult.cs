using System.Text.Json;
using System.Text.Json.Nodes;

namespace MaskedSiamese.Evaluation;

/// <summary>The outcome of <see cref="KnnEvaluation"/> or <see cref="LinearProbeEvaluation"/>: one score per
/// representation, trained on every training label, plus provenance.</summary>
/// <param name="Protocol"><c>knn</c> or <c>linear</c>.</param>
/// <param name="Checkpoint">The checkpoint path, as given.</param>
/// <param name="CheckpointSha256">Its content hash (the feature cache key).</param>
/// <param name="Data">The data location.</param>
/// <param name="Features">The feature choice.</param>
/// <param name="Transform">The evaluation transform, as text.</param>
/// <param name="Classes">Number of classes.</param>
/// <param name="TrainCount">Labelled training images.</param>
/// <param name="TestCount">Test images.</param>
/// <param name="Scores">The checkpoint's score first, then the baselines'.</param>
public sealed record AllLabelsResult(string Protocol, string Checkpoint, string CheckpointSha256, string Data,
    string Features, string Transform, int Classes, int TrainCount, int TestCount, IReadOnlyList<AllLabelsScore> Scores)
{
    /// <summary>The results as indented JSON (schema <c>maskedsiamese.{protocol}/1</c>).</summary>
    public string ToJson()
    {
        var results = new JsonArray();
        foreach (var s in Scores)
            results.Add(new JsonObject
            {
                ["name"] = s.Name,
                ["dimension"] = s.Dimension,
                ["accuracy"] = s.Accuracy,
                ["fitSeconds"] = Math.Round(s.FitSeconds, 3),
                ["featureSeconds"] = Math.Round(s.FeatureSeconds, 3),
            });
        var root = new JsonObject
        {
            ["schema"] = $"maskedsiamese.{Protocol}/1",
            ["checkpoint"] = Checkpoint,
            ["checkpointSha256"] = CheckpointSha256,
            ["data"] = Data,
            ["features"] = Features,
            ["transform"] = Transform,
            ["classes"] = Classes,
            ["trainCount"] = TrainCount,
            ["testCount"] = TestCount,
            ["results"] = results,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
