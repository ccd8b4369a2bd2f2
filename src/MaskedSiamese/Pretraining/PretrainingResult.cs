using MaskedSiamese.Engine;
using MaskedSiamese.Evaluation;
using MaskedSiamese.Selection;
using MaskedSiamese.Training;

namespace MaskedSiamese.Pretraining;

/// <summary>What a pretraining run produced.</summary>
/// <param name="Outcome">Steps done, whether the schedule completed, the latest checkpoint, timings.</param>
/// <param name="LowShot">The low-shot evaluation, when it ran.</param>
/// <param name="Selection">The label-selection evaluation, when it ran (empty when the data was too small).</param>
public sealed record PretrainingResult(TrainingOutcome Outcome, LowShotEvaluationResult? LowShot = null,
    IReadOnlyList<SelectionScore>? Selection = null)
{
    /// <summary>The first sign of collapse the run showed, or null.</summary>
    public CollapseSign? Collapse { get; init; }
}
