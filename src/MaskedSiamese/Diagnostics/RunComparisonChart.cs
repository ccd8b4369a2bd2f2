using ScottPlot;

namespace MaskedSiamese.Diagnostics;

/// <summary>A PNG of several runs' monitor curves, one line a run: the k-NN top-1 % above and RankMe below, against
/// minutes of training or steps.</summary>
public static class RunComparisonChart
{
    /// <summary>Renders the chart of <paramref name="runs"/> against <paramref name="against"/> (runs without
    /// monitor measurements are left out).</summary>
    public static byte[] RenderPng(IReadOnlyList<RunSummary> runs,
        RunComparisonAxis against = RunComparisonAxis.Minutes, int width = 900, int height = 800)
    {
        ArgumentNullException.ThrowIfNull(runs);
        using var knn = new Plot();
        using var rankMe = new Plot();
        foreach (var run in runs.Where(r => r.Monitor.Count > 0))
        {
            double[] x = [.. run.Monitor.Select(m => against == RunComparisonAxis.Steps ? m.Step : m.Minutes)];
            string name = Path.GetFileName(run.Folder.TrimEnd(Path.DirectorySeparatorChar));
            Line(knn, x, [.. run.Monitor.Select(m => m.Knn)], name);
            Line(rankMe, x, [.. run.Monitor.Select(m => m.RankMe)], name);
        }
        knn.YLabel("k-NN top-1 % (monitor set)");
        knn.Title("Runs compared");
        knn.ShowLegend(Alignment.LowerRight);
        rankMe.YLabel("RankMe");
        rankMe.HideLegend();   // the same runs in the same colours as above
        rankMe.XLabel(against == RunComparisonAxis.Steps ? "steps" : "minutes of training");
        return StackedChart.RenderPng([knn, rankMe], width, height);
    }

    /// <summary>Writes the chart to <paramref name="pngPath"/> atomically.</summary>
    public static void SavePng(IReadOnlyList<RunSummary> runs, string pngPath,
        RunComparisonAxis against = RunComparisonAxis.Minutes) =>
        RunCurveChart.Save(pngPath, RenderPng(runs, against));

    private static void Line(Plot plot, double[] x, double[] y, string legend)
    {
        var line = plot.Add.Scatter(x, y);
        line.LegendText = legend;
        line.LineWidth = 2;
    }
}
