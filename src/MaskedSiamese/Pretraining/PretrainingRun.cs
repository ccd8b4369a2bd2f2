using MaskedSiamese.Configuration;
using MaskedSiamese.Engine;

namespace MaskedSiamese.Pretraining;

/// <summary>
/// MSN pretraining from a run configuration, the one way in for the command line, several processes (each runs this
/// under <c>mpiexec</c>) and programs: configuration → data, recipe, loop and context
/// (<see cref="PretrainingSetup"/>) → the training loop with its checkpoints → the evaluation of the result.
/// </summary>
public static class PretrainingRun
{
    /// <summary>Runs <paramref name="config"/> as <paramref name="request"/> asks, reporting to
    /// <paramref name="observer"/>; cancellation stops after the current step with a checkpoint (or ends the
    /// evaluation). The setup handed to <see cref="IPretrainingObserver.Started"/> is disposed when this returns.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled during the evaluation: the training and its checkpoint
    /// are complete (the observer was told, <see cref="IPretrainingObserver.Trained"/>).</exception>
    public static PretrainingResult Run(MsnConfig config, PretrainingRequest request,
        IPretrainingObserver? observer = null, CancellationToken cancellation = default)
    {
        using var setup = PretrainingSetup.Open(config, request, observer?.Notes);
        observer?.Started(setup);
        var progress = observer is null ? null : new Progress(observer);
        var outcome = setup.Train(progress, cancellation);
        bool writes = setup.Context.IsPrimary && setup.Loop.RunFolder is not null;
        if (writes) RunReport.Write(setup, outcome);
        observer?.Trained(outcome);
        if (!outcome.Completed || !request.Evaluate || !writes) return new PretrainingResult(outcome);
        var (lowShot, selection) = PretrainingEvaluation.Run(config, setup.Loop.RunFolder!, outcome.LatestCheckpoint!,
            observer, cancellation);
        var result = new PretrainingResult(outcome, lowShot, selection);
        RunReport.Write(setup, outcome, result);
        return result;
    }

    // Synchronous, unlike System.Progress<T>: a step's report arrives before the next step starts.
    private sealed class Progress(IPretrainingObserver observer) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => observer.Stepped(value);
    }
}
