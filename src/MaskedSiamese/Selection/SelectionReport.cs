using System.Text.Json;

namespace MaskedSiamese.Selection;

/// <summary>The JSON record of a selection evaluation (<c>msn eval selection --json</c>, the main job's
/// <c>selection.json</c>).</summary>
public static class SelectionReport
{
    /// <summary>Schema <c>maskedsiamese.selection/1</c>: the setting, then one row per feature set, strategy and budget
    /// with the mean, standard deviation and every seed's accuracy.</summary>
    public static string ToJson(IReadOnlyList<SelectionScore> scores, SelectionEvaluationOptions options,
        string checkpoint, string data)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(options);
        return JsonSerializer.Serialize(new
        {
            schema = "maskedsiamese.selection/1",
            checkpoint,
            data,
            seeds = options.Seeds,
            pool = options.PoolSize,
            lambda = options.Lambda,
            results = scores.Select(s => new
            {
                features = s.Features,
                strategy = SelectionStrategyName.Of(s.Strategy),
                budget = s.Budget,
                mean = s.Mean,
                std = s.Std,
                accuracies = s.Accuracies,
            }),
        }, Indented);
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
