using System.Diagnostics;
using MaskedSiamese.Engine;

namespace MaskedSiamese.Pretraining;

/// <summary>Rewrites a run's <c>report.html</c> after every step that saved a checkpoint, so a user can open it while
/// the run trains; the first process only, as for every file of the run. The step before the run's last is the
/// last rewritten here: the report at the end follows at once.</summary>
internal sealed class ReportDuringRun(PretrainingSetup setup)
{
    // The loop's first steps are slow (allocator, JIT): left out of the mean, as the loop's own outcome does.
    private const int WarmupSteps = 3;

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly string _latest =
        new CheckpointStore(setup.Loop.RunFolder!, setup.Loop.Tag, setup.Loop.KeepCheckpoints).LatestPath;
    private double _stepMs, _dataMs;
    private long _seen, _timed;

    /// <summary>Books <paramref name="progress"/>'s step and rewrites the report when that step saved a
    /// checkpoint.</summary>
    public void Observe(TrainingProgress progress)
    {
        if (_seen++ >= WarmupSteps)
        {
            _stepMs += progress.StepMilliseconds;
            _dataMs += progress.DataWaitMilliseconds;
            _timed++;
        }
        if (!SavedCheckpoint(progress.Step) || progress.Step >= progress.TotalSteps) return;
        var sofar = new TrainingOutcome(progress.Step, false, _latest, _clock.Elapsed.TotalSeconds,
            _timed > 0 ? _stepMs / _timed : progress.StepMilliseconds,
            _timed > 0 ? _dataMs / _timed : progress.DataWaitMilliseconds);
        RunReport.WriteDuringRun(setup, sofar, progress.TotalSteps, progress.Eta);
    }

    // The training loop's rule (Engine/TrainingRun.StepDone): a checkpoint at every epoch end and every
    // checkpoint_every steps. Steps count from 1 here, as the loop counts steps done.
    private bool SavedCheckpoint(long stepsDone) =>
        stepsDone % setup.Recipe.Schedule.IterationsPerEpoch == 0 ||
        (setup.Loop.CheckpointEvery > 0 && stepsDone % setup.Loop.CheckpointEvery == 0);
}
