using MaskedSiamese.Checkpoints;
using MaskedSiamese.Data;
using MaskedSiamese.Engine;

namespace MaskedSiamese.Training;

/// <summary>
/// MSN pretraining on a loader: an <see cref="MsnPretrainingTask"/> driven by a <see cref="TrainingLoop"/> (schedules
/// as pure functions of the global step, logs, checkpoints every N steps and at every epoch end, exact resume, a clean
/// stop with a checkpoint on cancellation or at <see cref="TrainingLoopOptions.MaxSteps"/>). From a run configuration,
/// <c>Pretraining.PretrainingSetup</c> builds the arguments and calls this.
/// </summary>
public static class MsnPretraining
{
    /// <summary>Trains <paramref name="recipe"/> on <paramref name="loader"/>.</summary>
    /// <param name="recipe">What to train.</param>
    /// <param name="loop">Where and how often the loop writes, resume or overwrite, threads and step limit; its
    /// <c>config.yaml</c> text is the recipe's unless given.</param>
    /// <param name="context">Device, precision and collective.</param>
    /// <param name="loader">The multi-view batches.</param>
    /// <param name="initFrom">Start from these weights (and optimizer state, when present) instead of a fresh
    /// initialisation; ignored when resuming.</param>
    /// <param name="progress">Receives a report after every step.</param>
    /// <param name="monitor">Measures the networks at its cadence for the log, or null.</param>
    /// <param name="cancellation">Stops after the current step, writing a checkpoint.</param>
    public static TrainingOutcome Train(MsnRecipe recipe, TrainingLoopOptions loop, StepContext context,
        MultiViewLoader loader, MsnCheckpoint? initFrom = null, IProgress<TrainingProgress>? progress = null,
        IStepMonitor? monitor = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(loop);
        // A run folder always records its recipe; a caller may write it with notes of its own.
        var options = loop.ConfigText is null ? loop with { ConfigText = recipe.ConfigText } : loop;
        using var task = new MsnPretrainingTask(recipe, loader, context, initFrom, monitor);
        return new TrainingLoop(options, context).Run(task, progress, cancellation);
    }
}
