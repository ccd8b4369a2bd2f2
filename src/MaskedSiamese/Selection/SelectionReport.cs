using System.Globalization;
using System.Text.Json;

namespace MaskedSiamese.Selection;

/// <summary>A selection evaluation as text: its table (<c>msn eval selection</c>, the main job) and its JSON record
/// (<c>--json</c>, the main job's <c>selection.json</c>).</summary>
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

    /// <summary>Mean ± std of top-1 % per features and budget, one column per strategy.</summary>
    public static string Table(IReadOnlyList<SelectionScore> scores, SelectionEvaluationOptions options)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(options);
        var inv = CultureInfo.InvariantCulture;
        var text = new System.Text.StringBuilder();
        text.AppendLine(string.Create(inv, $"label selection: top-1 % on the test images, mean ± std over " +
            $"{options.Seeds} seeds, pool {options.PoolSize}"));
        text.Append(string.Create(inv, $"{"features",-10}{"labels",7}"));
        foreach (var s in options.Strategies) text.Append(string.Create(inv, $"  {SelectionStrategyName.Of(s),16}"));
        text.AppendLine();
        foreach (var group in scores.GroupBy(s => (s.Features, s.Budget)))
        {
            text.Append(string.Create(inv, $"{group.Key.Features,-10}{group.Key.Budget,7}"));
            foreach (var s in options.Strategies)
            {
                var score = group.Single(g => g.Strategy == s);
                text.Append(string.Create(inv, $"  {$"{score.Mean:F1} ± {score.Std:F1}",16}"));
            }
            text.AppendLine();
        }
        return text.ToString();
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
