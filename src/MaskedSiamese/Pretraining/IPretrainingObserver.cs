using MaskedSiamese.Engine;
using MaskedSiamese.Evaluation;
using MaskedSiamese.Selection;
using MaskedSiamese.Training;

namespace MaskedSiamese.Pretraining;

/// <summary>
/// The one channel through which <see cref="PretrainingRun"/> reports: what it is about to train, every step, the
/// outcome, the evaluations, and notes (unreadable images skipped, feature-extraction progress). The library prints
/// nothing; a command-line tool prints these, a test records them.
/// </summary>
public interface IPretrainingObserver
{
    /// <summary>Notes for a person (one line each), or null to drop them.</summary>
    TextWriter? Notes { get; }

    /// <summary>The run is set up (data read, precision decided) and about to train.</summary>
    void Started(PretrainingSetup setup);

    /// <summary>A step finished.</summary>
    void Stepped(TrainingProgress progress);

    /// <summary>The run shows a sign of collapse (once per run); <paramref name="stopping"/>: it stops after this step,
    /// as asked (<see cref="PretrainingRequest.StopOnCollapse"/>).</summary>
    void Collapsing(CollapseSign sign, bool stopping);

    /// <summary>Training ended: completed, stopped or at its step limit.</summary>
    void Trained(TrainingOutcome outcome);

    /// <summary>The low-shot evaluation is about to run.</summary>
    void LowShotStarting();

    /// <summary>The low-shot table of the run's checkpoint, written to <paramref name="jsonPath"/> and
    /// <paramref name="chartPath"/>.</summary>
    void LowShotDone(LowShotEvaluationResult result, string jsonPath, string chartPath);

    /// <summary>The label-selection evaluation is about to run.</summary>
    void SelectionStarting(SelectionEvaluationOptions options);

    /// <summary>The label-selection table (empty when the data holds fewer images than the smallest budget), written to
    /// <paramref name="jsonPath"/> (null when skipped).</summary>
    void SelectionDone(IReadOnlyList<SelectionScore> scores, SelectionEvaluationOptions options, string? jsonPath,
        TimeSpan elapsed);
}
