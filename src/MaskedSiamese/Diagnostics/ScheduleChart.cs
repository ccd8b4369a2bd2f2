using ScottPlot;

namespace MaskedSiamese.Diagnostics;

/// <summary>A PNG of a run's schedules from its <c>{tag}.csv</c>: the learning rate, the weight decay and the target
/// encoder's EMA momentum each step used (the log's <c>lr</c>, <c>wd</c> and <c>momentum</c>), one above the other
/// against the step, each on its own scale.</summary>
public static class ScheduleChart
{
    private static readonly (string Column, string Label)[] Schedules =
        [("lr", "lr"), ("wd", "weight decay"), ("momentum", "EMA momentum")];

    /// <summary>Whether the log at <paramref name="csvPath"/> has a row and at least one of the schedule
    /// columns.</summary>
    public static bool HasSchedules(string csvPath) =>
        File.Exists(csvPath) && RunLog.ReadCsv(csvPath) is { Count: > 0 } rows &&
        Schedules.Any(s => rows[0].ContainsKey(s.Column));

    /// <summary>Renders the chart of <paramref name="csvPath"/> (a log written by <see cref="RunLog"/>); a schedule
    /// the log lacks is left out.</summary>
    public static byte[] RenderPng(string csvPath, int width = 900, int height = 750, string? title = null)
    {
        var rows = RunLog.ReadCsv(csvPath);
        double[] steps = [.. rows.Select(r => r["step"])];
        var plots = new List<Plot>();
        try
        {
            foreach (var (column, label) in Schedules.Where(s => rows.Count > 0 && rows[0].ContainsKey(s.Column)))
            {
                var plot = new Plot();
                plots.Add(plot);
                var line = plot.Add.Scatter(steps, rows.Select(r => r[column]).ToArray());
                line.MarkerSize = 0;
                line.LineWidth = 2;
                plot.YLabel(label);
            }
            if (plots.Count == 0) throw new InvalidDataException($"{csvPath}: no schedule columns (lr, wd, momentum)");
            plots[^1].XLabel("step");
            if (title is not null) plots[0].Title(title);
            return StackedChart.RenderPng(plots, width, height);
        }
        finally
        {
            foreach (var plot in plots) plot.Dispose();
        }
    }
}
