using System.Globalization;
using System.Text;

namespace MaskedSiamese.Diagnostics;

/// <summary>Runs' monitor measurements side by side as text: one row per step at which any run measured, a k-NN %
/// and RankMe column pair per run ("—" where that run did not measure).</summary>
public static class RunComparisonTable
{
    /// <summary>The table of <paramref name="runs"/>' monitor curves against steps done.</summary>
    public static string Curves(IReadOnlyList<RunSummary> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var names = runs.Select(r => Path.GetFileName(r.Folder.TrimEnd(Path.DirectorySeparatorChar))).ToList();
        int width = Math.Max(15, names.Count == 0 ? 0 : names.Max(n => n.Length));
        var text = new StringBuilder();
        text.Append($"{"step",8}");
        foreach (var name in names) text.Append("  ").Append(name.PadLeft(width));
        text.Append('\n').Append($"{"",8}");
        foreach (var _ in names) text.Append("  ").Append($"{"k-NN %",7} {"RankMe",7}".PadLeft(width));
        text.Append('\n');
        var byStep = runs.Select(r => r.Monitor.ToDictionary(m => m.Step)).ToList();
        foreach (double step in byStep.SelectMany(d => d.Keys).Distinct().Order())
        {
            text.Append(string.Create(CultureInfo.InvariantCulture, $"{step,8:F0}"));
            foreach (var measured in byStep)
                text.Append("  ").Append((measured.TryGetValue(step, out var m)
                    ? string.Create(CultureInfo.InvariantCulture, $"{m.Knn,7:F1} {m.RankMe,7:F1}")
                    : $"{"—",7} {"—",7}").PadLeft(width));
            text.Append('\n');
        }
        return text.ToString();
    }
}
