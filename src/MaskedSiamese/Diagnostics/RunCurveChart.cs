using MaskedSiamese.IO;
using ScottPlot;

namespace MaskedSiamese.Diagnostics;

/// <summary>A PNG of a run's curves from its <c>{tag}.csv</c> (a <see cref="RunLog"/>) against the step: solid lines on
/// the left axis and one dashed series on the right axis. Pretraining and fine-tuning draw their charts with
/// it.</summary>
public static class RunCurveChart
{
    /// <summary>Renders the columns <paramref name="left"/> (solid) and <paramref name="right"/> (dashed, right axis)
    /// of <paramref name="csvPath"/>.</summary>
    /// <param name="csvPath">The run's CSV log.</param>
    /// <param name="left">Column and legend text of each left-axis line.</param>
    /// <param name="leftAxis">Label of the left axis.</param>
    /// <param name="right">Column, legend text and axis label of the right-axis series.</param>
    /// <param name="title">Chart title, or null.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="measuredOnly">Draw only the rows where this column holds a number (a monitor's columns are NaN
    /// between its measurements).</param>
    public static byte[] RenderPng(string csvPath, IReadOnlyList<(string Column, string Legend)> left, string leftAxis,
        (string Column, string Legend, string Axis) right, string? title = null, int width = 900, int height = 500,
        string? measuredOnly = null)
    {
        ArgumentNullException.ThrowIfNull(left);
        var rows = RunLog.ReadCsv(csvPath);
        if (measuredOnly is not null) rows = [.. rows.Where(r => double.IsFinite(r[measuredOnly]))];
        using var plot = new Plot();
        double[] steps = rows.Select(r => r["step"]).ToArray();
        foreach (var (column, legend) in left)
        {
            var line = plot.Add.Scatter(steps, rows.Select(r => r[column]).ToArray());
            line.LegendText = legend;
            line.MarkerSize = 0;
            line.LineWidth = 2;
        }
        var dashed = plot.Add.Scatter(steps, rows.Select(r => r[right.Column]).ToArray());
        dashed.LegendText = right.Legend;
        dashed.MarkerSize = 0;
        dashed.LinePattern = LinePattern.Dashed;
        dashed.Axes.YAxis = plot.Axes.Right;
        plot.XLabel("step");
        plot.YLabel(leftAxis);
        plot.Axes.Right.Label.Text = right.Axis;
        if (title is not null) plot.Title(title);
        plot.ShowLegend(Alignment.UpperRight);
        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }

    /// <summary>Writes <paramref name="png"/> to <paramref name="pngPath"/> atomically.</summary>
    public static void Save(string pngPath, byte[] png) => AtomicFile.Write(pngPath, s => s.Write(png));
}
