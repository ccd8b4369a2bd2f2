using MaskedSiamese.Diagnostics;

namespace MaskedSiamese.FineTuning;

/// <summary>The fine-tuning curves of a run's <c>{tag}.csv</c>: the label-smoothed loss and (right axis) the batch
/// accuracy against the step.</summary>
internal static class FineTuneChart
{
    public static void SavePng(string csvPath, string pngPath, string title) =>
        RunCurveChart.Save(pngPath, RunCurveChart.RenderPng(csvPath, [("loss", "loss (label-smoothed cross-entropy)")],
            "loss", ("acc", "batch accuracy (right axis)", "accuracy"), title));
}
