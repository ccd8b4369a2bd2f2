using MaskedSiamese.Configuration;
using MaskedSiamese.Engine;
using MaskedSiamese.Training;

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
    /// <remarks>A run that shows signs of collapse (<see cref="CollapseWatch"/>) is reported to the observer once;
    /// with <see cref="PretrainingRequest.StopOnCollapse"/> it stops there with the checkpoint of the step reached,
    /// as on cancellation.</remarks>
    /// <exception cref="OperationCanceledException">Cancelled during the evaluation: the training and its checkpoint
    /// are complete (the observer was told, <see cref="IPretrainingObserver.Trained"/>).</exception>
    public static PretrainingResult Run(MsnConfig config, PretrainingRequest request,
        IPretrainingObserver? observer = null, CancellationToken cancellation = default)
    {
        using var setup = PretrainingSetup.Open(config, request, observer?.Notes);
        observer?.Started(setup);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        bool writes = setup.Context.IsPrimary && setup.Loop.RunFolder is not null;
        var steps = new Progress(setup, observer, request.StopOnCollapse ? stop : null,
            writes ? new ReportDuringRun(setup) : null);
        var outcome = setup.Train(steps, stop.Token);
        var map = writes && outcome.Completed ? DrawMap(setup, outcome) : null;
        if (writes) RunReport.Write(setup, outcome, map: map);
        observer?.Trained(outcome);
        if (!outcome.Completed || !request.Evaluate || !writes)
            return new PretrainingResult(outcome) { Collapse = steps.Collapse };
        var (lowShot, selection) = PretrainingEvaluation.Run(config, setup.Loop.RunFolder!, outcome.LatestCheckpoint!,
            observer, cancellation);
        var result = new PretrainingResult(outcome, lowShot, selection) { Collapse = steps.Collapse };
        RunReport.Write(setup, outcome, result, map);
        return result;
    }

    // The map of the monitor set under the final checkpoint, also saved beside the report; once, at the end of the
    // schedule (a few seconds: more than a rewrite of the report during the run should cost).
    private static (byte[] Png, double Seconds)? DrawMap(PretrainingSetup setup, TrainingOutcome outcome)
    {
        if (setup.Monitor is not { } monitor || outcome.LatestCheckpoint is not { } checkpoint) return null;
        var map = MonitorMap.Draw(monitor, checkpoint, outcome.StepsDone, setup.Config.Meta.Seed);
        Diagnostics.RunCurveChart.Save(Path.Combine(setup.Loop.RunFolder!, MonitorMap.FileName), map.Png);
        return map;
    }

    // Synchronous, unlike System.Progress<T>: a step's report arrives before the next step starts. The first
    // process watches for collapse (np is its own; the loop's per-step agreement carries its stop to the others)
    // and rewrites the report after checkpoints, before the observer hears of the step.
    private sealed class Progress(PretrainingSetup setup, IPretrainingObserver? observer,
        CancellationTokenSource? stopOnCollapse, ReportDuringRun? report) : IProgress<TrainingProgress>
    {
        private readonly CollapseWatch? _watch = setup.Context.IsPrimary &&
            setup.Recipe.Architecture.NumPrototypes is >= 2 and var k
            ? new CollapseWatch(k, setup.Loader.Options.BatchSize * setup.Context.Collective.WorldSize)
            : null;

        public CollapseSign? Collapse { get; private set; }

        public void Report(TrainingProgress value)
        {
            report?.Observe(value);
            observer?.Stepped(value);
            if (_watch?.Observe(value.Step, value.Last.Metrics) is not { } sign) return;
            Collapse = sign;
            observer?.Collapsing(sign, stopping: stopOnCollapse is not null);
            stopOnCollapse?.Cancel();
        }
    }
}
