using MaskedSiamese.Engine;

namespace MaskedSiamese.Pretraining;

/// <summary>Rewrites a run's <c>report.html</c> after every step that saved a checkpoint, so a user can open it while
/// the run trains; the first process only, as for every file of the run. The step before the run's last is the
/// last rewritten here: the report at the end follows at once.</summary>
internal sealed class ReportDuringRun(PretrainingSetup setup)
{
    private readonly string _latest =
        new CheckpointStore(setup.Loop.RunFolder!, setup.Loop.Tag, setup.Loop.KeepCheckpoints).LatestPath;

    /// <summary>Rewrites the report when <paramref name="progress"/>'s step saved a checkpoint.</summary>
    public void Observe(TrainingProgress progress)
    {
        if (!progress.CheckpointSaved || progress.Step >= progress.TotalSteps) return;
        var sofar = new TrainingOutcome(progress.Step, false, _latest, progress.Elapsed.TotalSeconds,
            progress.MeanStepMilliseconds, progress.MeanDataWaitMilliseconds);
        RunReport.WriteDuringRun(setup, sofar, progress.TotalSteps, progress.Eta);
    }
}
