namespace MaskedSiamese.Diagnostics;

/// <summary>A PNG of a run's monitor from its <c>{tag}.csv</c>: the k-NN top-1 % of the target encoder on the monitor
/// set against the step, and (right axis) the RankMe of its embeddings, at the steps where they were
/// measured.</summary>
public static class MonitorChart
{
    /// <summary>Whether the log at <paramref name="csvPath"/> holds monitor columns with at least one
    /// measurement.</summary>
    public static bool HasMeasurements(string csvPath) =>
        File.Exists(csvPath) && RunLog.ReadCsv(csvPath) is { Count: > 0 } rows && rows[0].ContainsKey("knn") &&
        rows.Any(r => double.IsFinite(r["knn"]));

    /// <summary>Renders the chart of <paramref name="csvPath"/> (a log written by <see cref="RunLog"/>).</summary>
    public static byte[] RenderPng(string csvPath, int width = 900, int height = 500, string? title = null) =>
        RunCurveChart.RenderPng(csvPath, [("knn", "k-NN top-1 % (monitor set)")], "k-NN top-1 %",
            ("rankme", "RankMe (right axis)", "RankMe"), title, width, height, measuredOnly: "knn");

    /// <summary>Writes the chart to <paramref name="pngPath"/> atomically.</summary>
    public static void SavePng(string csvPath, string pngPath, string? title = null) =>
        RunCurveChart.Save(pngPath, RenderPng(csvPath, title: title));
}
