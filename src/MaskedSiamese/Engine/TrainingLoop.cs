using System.Diagnostics;
using System.Globalization;
using MaskedSiamese.Diagnostics;
using MaskedSiamese.Platform;
using TorchSharp;

namespace MaskedSiamese.Engine;

/// <summary>
/// The training loop of every task: starts fresh or resumes from the run's latest checkpoint, steps over the task's
/// batches, logs and checkpoints at its cadence (rank 0 only), reports progress, stops cleanly after the current
/// step on cancellation or at <see cref="TrainingLoopOptions.MaxSteps"/> (writing a checkpoint), stops on a loss
/// that is not finite (keeping the latest checkpoint, named in the error), and collects each step's managed garbage.
/// </summary>
public sealed class TrainingLoop
{
    /// <summary>Creates a loop.</summary>
    public TrainingLoop(TrainingLoopOptions options, StepContext context)
    {
        Options = options ?? throw new ArgumentNullException(nameof(options));
        Context = context ?? throw new ArgumentNullException(nameof(context));
    }

    /// <summary>How the loop runs.</summary>
    public TrainingLoopOptions Options { get; }

    /// <summary>Device, precision and collective of the run.</summary>
    public StepContext Context { get; }

    /// <summary>Trains <paramref name="task"/> to the end of its schedule, to the step limit, or until
    /// cancelled.</summary>
    /// <param name="task">The task.</param>
    /// <param name="progress">Receives a report after every step.</param>
    /// <param name="cancellation">Stops after the current step, writing a checkpoint.</param>
    /// <exception cref="NonFiniteLossException">A step's loss was NaN or infinite; the step was not applied, and the
    /// latest checkpoint on disk (named in the message) is where to resume.</exception>
    public TrainingOutcome Run<TBatch>(ITrainingTask<TBatch> task, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellation = default) where TBatch : IDisposable
    {
        ArgumentNullException.ThrowIfNull(task);
        // The run's thread count (its own, or a resumed run's recorded one) ends with the run.
        using var threads = IntraOpThreads.Use(Options.Threads);
        using var run = new TrainingRun<TBatch>(task, Options, Context);
        using var log = run.Start();
        if (run.Step < run.StopStep)
        {
            // Several processes must stop at the same step, so their loaders are not interrupted mid-batch: only
            // the agreed stop below ends them.
            var readCancellation = Context.Collective.WorldSize == 1 ? cancellation : CancellationToken.None;
            using var batches = task.ReadBatches(run.Step, readCancellation).GetEnumerator();
            ManagedGarbage.Collect();   // what setting up (reading the dataset, restoring) left behind
            // Every rank stops at the same step: signals reach the ranks of a job at different moments.
            while (run.Step < run.StopStep && !Context.Collective.AnyRank(cancellation.IsCancellationRequested))
            {
                if (!TryNext(batches, readCancellation, out double dataMs)) break;
                using var batch = batches.Current;
                var (result, stepMs) = TimedStep(task, batch, run.Step);
                if (!double.IsFinite(result.Loss))
                    throw new NonFiniteLossException(run.Step, result.Loss, run.LastSavedStep);
                run.StepDone(result, stepMs, dataMs, log, progress);
            }
        }
        return run.Finish(log);
    }

    // One process stops when asked. Several stop together once any of them was asked (Ctrl-C reaches the ranks at
    // slightly different times): a rank that stopped alone would leave the others waiting in the next step's
    // collectives. One tiny all-reduce per step.
    private static bool TryNext<TBatch>(IEnumerator<TBatch> batches, CancellationToken cancellation, out double waitMs)
    {
        var wait = Stopwatch.StartNew();
        try
        {
            bool more = batches.MoveNext();
            waitMs = wait.Elapsed.TotalMilliseconds;
            return more;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            waitMs = 0;
            return false;
        }
    }

    private (StepResult Result, double Milliseconds) TimedStep<TBatch>(ITrainingTask<TBatch> task, TBatch batch,
        long step)
        where TBatch : IDisposable
    {
        var clock = Stopwatch.StartNew();
        var result = task.RunStep(batch, step, Options.Profile);
        // One full collection per step bounds the managed heap (see ManagedGarbage); it is timed with the step.
        ManagedGarbage.Collect();
        return (result, clock.Elapsed.TotalMilliseconds);
    }

    /// <summary>Formats a duration as h:mm:ss.</summary>
    public static string FormatDuration(TimeSpan t) =>
        string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}:{t.Minutes:D2}:{t.Seconds:D2}");
}
