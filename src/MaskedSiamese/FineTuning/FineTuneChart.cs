using MaskedSiamese.Diagnostics;
using MaskedSiamese.IO;
using ScottPlot;

namespace MaskedSiamese.FineTuning;

/// <summary>The fine-tuning curves of a run's <c>{tag}.csv</c>: the label-smoothed loss and (right axis) the batch
/// accuracy against the step.</summary>
internal static class FineTuneChart
{
    public static void SavePng(string csvPath, string pngPath, string title)
    {
        var rows = RunLog.ReadCsv(csvPath);
        using var plot = new Plot();
        double[] steps = rows.Select(r => r["step"]).ToArray();
        var loss = plot.Add.Scatter(steps, rows.Select(r => r["loss"]).ToArray());
        loss.LegendText = "loss (label-smoothed cross-entropy)";
        loss.MarkerSize = 0;
        loss.LineWidth = 2;
        var accuracy = plot.Add.Scatter(steps, rows.Select(r => r["acc"]).ToArray());
        accuracy.LegendText = "batch accuracy (right axis)";
        accuracy.MarkerSize = 0;
        accuracy.LinePattern = LinePattern.Dashed;
        accuracy.Axes.YAxis = plot.Axes.Right;
        plot.XLabel("step");
        plot.YLabel("loss");
        plot.Axes.Right.Label.Text = "accuracy";
        plot.Title(title);
        plot.ShowLegend(Alignment.UpperRight);
        byte[] png = plot.GetImageBytes(900, 500, ImageFormat.Png);
        AtomicFile.Write(pngPath, s => s.Write(png));
    }
}
