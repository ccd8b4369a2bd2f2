using System.Text.Json;
using System.Text.Json.Serialization;

namespace MaskedSiamese.Evaluation;

/// <summary>
/// The result of <see cref="LowShotProtocol.Run"/>, serialisable to JSON (camelCase names; schema tag
/// <see cref="SchemaName"/>). Accuracies are fractions in [0, 1]; λ is that of the summed objective.
/// </summary>
/// <param name="Schema">Always <see cref="SchemaName"/>; bumped on incompatible changes.</param>
/// <param name="Classifier">Human-readable description of the classifier and preprocessing.</param>
/// <param name="Classes">Number of classes C.</param>
/// <param name="TrainCount">Training samples available to the splits.</param>
/// <param name="TestCount">Test samples every run is scored on.</param>
/// <param name="FeatureSets">One report per feature set, in input order.</param>
public sealed record LowShotReport(string Schema, string Classifier, int Classes, int TrainCount, int TestCount,
    IReadOnlyList<FeatureSetReport> FeatureSets)
{
    /// <summary>The schema tag written by this version.</summary>
    public const string SchemaName = "maskedsiamese.lowshot/1";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // The file is data for people and tools, never embedded in HTML: keep λ, Σ and ± readable.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The report as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a report written by <see cref="ToJson"/>.</summary>
    /// <exception cref="InvalidDataException">The text is not a report of this schema.</exception>
    public static LowShotReport FromJson(string json)
    {
        var report = JsonSerializer.Deserialize<LowShotReport>(json, Json)
            ?? throw new InvalidDataException("empty low-shot report");
        if (report.Schema != SchemaName)
            throw new InvalidDataException($"low-shot report schema '{report.Schema}', expected '{SchemaName}'");
        return report;
    }
}
