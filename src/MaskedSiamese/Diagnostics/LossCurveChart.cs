using MaskedSiamese.IO;
using ScottPlot;

namespace MaskedSiamese.Diagnostics;

/// <summary>A PNG of a run's training curves from its <c>{tag}.csv</c>: the total loss and its MSN and ME-MAX parts
/// against the step, and (right axis) the number of prototypes that are some target's argmax, whose fall to a few
/// is the sign of collapse.</summary>
public static class LossCurveChart
{
    /// <summary>Renders the chart of <paramref name="csvPath"/> (a log written by <see cref="RunLog"/>).</summary>
    public static byte[] RenderPng(string csvPath, int width = 900, int height = 500, string? title = null)
    {
        var rows = RunLog.ReadCsv(csvPath);
        using var plot = new Plot();
        double[] steps = rows.Select(r => r["step"]).ToArray();
        foreach (var (key, label) in new[] { ("loss", "loss"), ("msn", "msn (cross-entropy)"), ("me_max", "me_max") })
        {
            var line = plot.Add.Scatter(steps, rows.Select(r => r[key]).ToArray());
            line.LegendText = label;
            line.MarkerSize = 0;
            line.LineWidth = 2;
        }
        var np = plot.Add.Scatter(steps, rows.Select(r => r["np"]).ToArray());
        np.LegendText = "np (distinct target argmax, right axis)";
        np.MarkerSize = 0;
        np.LinePattern = LinePattern.Dashed;
        np.Axes.YAxis = plot.Axes.Right;
        plot.XLabel("step");
        plot.YLabel("loss");
        plot.Axes.Right.Label.Text = "np";
        if (title is not null) plot.Title(title);
        plot.ShowLegend(Alignment.UpperRight);
        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }

    /// <summary>Writes the chart to <paramref name="pngPath"/> atomically.</summary>
    public static void SavePng(string csvPath, string pngPath, string? title = null)
    {
        byte[] png = RenderPng(csvPath, title: title);
        AtomicFile.Write(pngPath, s => s.Write(png));
    }
}
