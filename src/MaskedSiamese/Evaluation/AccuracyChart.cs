using MaskedSiamese.Checkpoints;
using MaskedSiamese.IO;
using ScottPlot;

namespace MaskedSiamese.Evaluation;

/// <summary>
/// PNG chart of a <see cref="LowShotReport"/>: test accuracy against labelled images per class (log-scaled axis), one
/// line per feature set, error bars of one sample standard deviation over the splits. Only k-per-class regimes are
/// drawn; percentage and all-label results stay in the table.
/// </summary>
public static class AccuracyChart
{
    /// <summary>The chart as PNG bytes.</summary>
    /// <param name="report">Results to draw.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    /// <param name="title">Chart title (default: none).</param>
    public static byte[] RenderPng(LowShotReport report, int width = 800, int height = 500, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var plot = new Plot();
        var shots = new SortedSet<int>();
        foreach (var (set, i) in report.FeatureSets.Select((s, i) => (s, i)))
        {
            var points = set.Summaries.Where(s => s.ShotsPerClass is > 0).OrderBy(s => s.ShotsPerClass).ToArray();
            if (points.Length == 0) continue;
            // ScottPlot has no log axis: plot log10(k) and label the ticks with k.
            double[] xs = points.Select(p => Math.Log10(p.ShotsPerClass!.Value)).ToArray();
            double[] ys = points.Select(p => 100 * p.Mean).ToArray();
            double[] errors = points.Select(p => 100 * p.Std).ToArray();
            var color = Colors.Category10[i % Colors.Category10.Length];
            var line = plot.Add.Scatter(xs, ys, color);
            line.LegendText = set.Name;
            line.LineWidth = 2;
            line.MarkerSize = 7;
            var bars = plot.Add.ErrorBar(xs, ys, errors);
            bars.Color = color;
            foreach (var p in points) shots.Add(p.ShotsPerClass!.Value);
        }
        plot.Axes.Bottom.SetTicks(shots.Select(k => Math.Log10(k)).ToArray(),
            shots.Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        plot.XLabel("labelled images per class");
        plot.YLabel("top-1 test accuracy (%)");
        if (title is not null) plot.Title(title);
        plot.ShowLegend(Alignment.LowerRight);
        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }

    /// <summary>Writes the chart to <paramref name="path"/> (atomically: readers never see a partial file).</summary>
    public static void SavePng(LowShotReport report, string path, int width = 800, int height = 500,
        string? title = null)
    {
        byte[] png = RenderPng(report, width, height, title);
        AtomicFile.Write(path, s => s.Write(png));
    }
}
