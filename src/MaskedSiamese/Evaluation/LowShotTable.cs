using System.Globalization;
using System.Text;

namespace MaskedSiamese.Evaluation;

/// <summary>Formats a <see cref="LowShotReport"/> as a plain-text table: one row per feature set, one column per
/// regime, cells "mean ± std" in percent (the layout of benchmarks.md).</summary>
public static class LowShotTable
{
    /// <summary>The table, followed by one line per feature set with the λ values used.</summary>
    public static string Format(LowShotReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var regimes = report.FeatureSets.SelectMany(f => f.Summaries.Select(s => s.Regime)).Distinct().ToList();
        bool knn = report.FeatureSets.Any(f => f.KnnAccuracy is not null);
        var header = new List<string> { "features", "D" };
        header.AddRange(regimes);
        if (knn) header.Add("k-NN all");
        var rows = new List<List<string>> { header };
        foreach (var set in report.FeatureSets)
        {
            var row = new List<string> { set.Name, set.Dimension.ToString(CultureInfo.InvariantCulture) };
            foreach (string regime in regimes)
            {
                var s = set.Summaries.FirstOrDefault(x => x.Regime == regime);
                row.Add(s is null ? "—" : s.Splits > 1
                    ? string.Create(CultureInfo.InvariantCulture, $"{100 * s.Mean:F1} ± {100 * s.Std:F1}")
                    : string.Create(CultureInfo.InvariantCulture, $"{100 * s.Mean:F1}"));
            }
            if (knn) row.Add(set.KnnAccuracy is { } k ? (100 * k).ToString("F1", CultureInfo.InvariantCulture) : "—");
            rows.Add(row);
        }
        var widths = Enumerable.Range(0, header.Count).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var sb = new StringBuilder();
        foreach (var row in rows)
            sb.AppendLine(string.Join("  ",
                row.Select((cell, c) => c == 0 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c])))
                .TrimEnd());
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"top-1 % on {report.TestCount} test samples, mean ± sample std over splits; {report.Classifier}"));
        foreach (var set in report.FeatureSets)
            sb.AppendLine(set.Name + " λ: " + string.Join(", ", set.Summaries.Select(s =>
                s.Regime + " " + string.Join("/",
                    s.Lambdas.Select(l => l.ToString("G3", CultureInfo.InvariantCulture))))));
        return sb.ToString();
    }
}
