using System.Diagnostics;
using MaskedSiamese.Configuration;
using MaskedSiamese.Evaluation;
using MaskedSiamese.IO;
using MaskedSiamese.Selection;

namespace MaskedSiamese.Pretraining;

/// <summary>What the main job shows after pretraining: the low-shot table of the run's target encoder beside the
/// raw-pixel and random-encoder baselines on the same seeded splits, then label selection scored by a simulated
/// labeller; their JSON and chart go to the run folder.</summary>
public static class PretrainingEvaluation
{
    /// <summary>The label-selection evaluation's settings: <c>msn eval selection</c>'s defaults, the budgets cut to
    /// the data.</summary>
    public static SelectionEvaluationOptions SelectionOptions => new() { FitBudgetsToPool = true };

    /// <summary>Evaluates <paramref name="checkpoint"/> of the run in <paramref name="runFolder"/>.</summary>
    public static (LowShotEvaluationResult LowShot, IReadOnlyList<SelectionScore> Selection) Run(MsnConfig config,
        string runFolder, string checkpoint, IPretrainingObserver? observer, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(config);
        TextWriter? log = observer?.Notes;
        observer?.LowShotStarting();
        var options = LowShotEvaluationOptions.FromConfig(config, runFolder);
        var lowShot = LowShotEvaluation.Run(checkpoint, options, log, cancellation);
        string json = Path.Combine(runFolder, "lowshot.json"), chart = Path.Combine(runFolder, "lowshot.png");
        AtomicFile.WriteAllText(json, lowShot.ToJson());
        lowShot.SaveChart(chart);
        observer?.LowShotDone(lowShot, json, chart);

        var selection = SelectionOptions;
        observer?.SelectionStarting(selection);
        var clock = Stopwatch.StartNew();
        var scores = SelectionEvaluation.RunOnCheckpoint(checkpoint, options with { Baselines = true }, selection, log,
            cancellation);
        string? selectionJson = null;
        if (scores.Count > 0)
        {
            selectionJson = Path.Combine(runFolder, "selection.json");
            AtomicFile.WriteAllText(selectionJson, SelectionReport.ToJson(scores, selection, checkpoint, options.Data));
        }
        observer?.SelectionDone(scores, selection, selectionJson, clock.Elapsed);
        return (lowShot, scores);
    }
}
