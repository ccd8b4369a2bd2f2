using ScottPlot;

namespace MaskedSiamese.Diagnostics;

/// <summary>A PNG of several runs' monitor curves: the k-NN top-1 % against minutes of training, one line a
/// run.</summary>
public static class RunComparisonChart
{
    /// <summary>Renders the chart of <paramref name="runs"/> (runs without monitor measurements are left
    /// out).</summary>
    public static byte[] RenderPng(IReadOnlyList<RunSummary> runs, int width = 900, int height = 500)
    {
        ArgumentNullException.ThrowIfNull(runs);
        using var plot = new Plot();
        foreach (var run in runs.Where(r => r.Monitor.Count > 0))
        {
            var line = plot.Add.Scatter(run.Monitor.Select(m => m.Minutes).ToArray(),
                run.Monitor.Select(m => m.Knn).ToArray());
            line.LegendText = Path.GetFileName(run.Folder.TrimEnd(Path.DirectorySeparatorChar));
            line.LineWidth = 2;
        }
        plot.XLabel("minutes of training");
        plot.YLabel("k-NN top-1 % (monitor set)");
        plot.Title("Runs compared");
        plot.ShowLegend(Alignment.LowerRight);
        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }

    /// <summary>Writes the chart to <paramref name="pngPath"/> atomically.</summary>
    public static void SavePng(IReadOnlyList<RunSummary> runs, string pngPath) =>
        RunCurveChart.Save(pngPath, RenderPng(runs));
}
