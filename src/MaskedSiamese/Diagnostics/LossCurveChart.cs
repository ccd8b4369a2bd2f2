namespace MaskedSiamese.Diagnostics;

/// <summary>A PNG of a run's training curves from its <c>{tag}.csv</c>: the total loss and its MSN and ME-MAX parts
/// against the step, and (right axis) the number of prototypes that are some target's argmax, whose fall to a few
/// is the sign of collapse.</summary>
public static class LossCurveChart
{
    /// <summary>Renders the chart of <paramref name="csvPath"/> (a log written by <see cref="RunLog"/>).</summary>
    public static byte[] RenderPng(string csvPath, int width = 900, int height = 500, string? title = null) =>
        RunCurveChart.RenderPng(csvPath, [("loss", "loss"), ("msn", "msn (cross-entropy)"), ("me_max", "me_max")],
            "loss", ("np", "np (distinct target argmax, right axis)", "np"), title, width, height);

    /// <summary>Writes the chart to <paramref name="pngPath"/> atomically.</summary>
    public static void SavePng(string csvPath, string pngPath, string? title = null) =>
        RunCurveChart.Save(pngPath, RenderPng(csvPath, title: title));
}
