using MaskedSiamese.Checkpoints;
using MaskedSiamese.Data;
using MaskedSiamese.Engine;

namespace MaskedSiamese.Training;

/// <summary>
/// MSN pretraining in one call: an <see cref="MsnPretrainingTask"/> on a <see cref="TrainingLoop"/> configured from
/// <see cref="TrainerSettings"/> (schedules as pure functions of the global step, logs, checkpoints every N steps and at
/// every epoch end, exact resume from the latest checkpoint, a clean stop with a checkpoint on cancellation or at
/// <see cref="TrainerSettings.MaxSteps"/>).
/// </summary>
public sealed class MsnTrainer
{
    /// <summary>Creates a trainer.</summary>
    public MsnTrainer(TrainerSettings settings) => Settings = settings ?? throw new ArgumentNullException(nameof(settings));

    /// <summary>The resolved settings.</summary>
    public TrainerSettings Settings { get; }

    /// <summary>The step context of these settings on this process's collective (several processes under an MPI
    /// launcher, see <see cref="Collectives"/>; otherwise one).</summary>
    public StepContext Context => new(Settings.Device, Settings.Precision, Collectives.Current);

    /// <summary>Trains on <paramref name="loader"/>, writing into <paramref name="runFolder"/>.</summary>
    /// <param name="loader">The multi-view batches.</param>
    /// <param name="runFolder">Run folder: resolved config, logs, checkpoints.</param>
    /// <param name="resume">Continue from the latest checkpoint (refused when absent).</param>
    /// <param name="initFrom">Start from these weights (and optimizer state, when present) instead of a fresh
    /// initialisation; ignored when resuming.</param>
    /// <param name="progress">Receives a report after every step.</param>
    /// <param name="overwrite">Start afresh in a folder that already holds a run (else refused unless resuming).</param>
    /// <param name="cancellation">Stops after the current step, writing a checkpoint.</param>
    public TrainingOutcome Run(MultiViewLoader loader, string runFolder, bool resume = false, MsnCheckpoint? initFrom = null,
        IProgress<TrainingProgress>? progress = null, bool overwrite = false, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(loader);
        using var task = new MsnPretrainingTask(Settings, loader, Context, initFrom);
        var options = LoopOptions(runFolder, resume) with { Overwrite = overwrite };
        return new TrainingLoop(options, Context).Run(task, progress, cancellation);
    }

    /// <summary>The loop options of these settings for <paramref name="runFolder"/> (null: write nothing).</summary>
    public TrainingLoopOptions LoopOptions(string? runFolder, bool resume = false) => new()
    {
        RunFolder = runFolder,
        Tag = Settings.Tag,
        Resume = resume,
        Threads = Settings.Threads,
        CheckpointEvery = Settings.CheckpointEvery,
        LogEvery = Settings.LogEvery,
        KeepCheckpoints = Settings.KeepCheckpoints,
        TensorBoard = Settings.TensorBoard,
        MaxSteps = Settings.MaxSteps,
        ConfigText = Settings.ConfigFileText,
    };
}
