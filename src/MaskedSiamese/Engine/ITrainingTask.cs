namespace MaskedSiamese.Engine;

/// <summary>
/// What <see cref="TrainingLoop"/> drives: a model, its data and its step. The loop owns everything around the step
/// (resume, checkpoint and log cadence, progress, cancellation, the NaN stop, the per-step memory policy); a task
/// owns its networks, optimizer and batches. MSN pretraining is one task; a fine-tuning task is another.
/// </summary>
/// <typeparam name="TBatch">One step's input; the loop disposes each batch after its step.</typeparam>
public interface ITrainingTask<TBatch> where TBatch : IDisposable
{
    /// <summary>A title for charts and reports, e.g. "MSN pretraining".</summary>
    string Title { get; }

    /// <summary>Steps in one epoch.</summary>
    long StepsPerEpoch { get; }

    /// <summary>Steps of the whole schedule (every epoch).</summary>
    long TotalSteps { get; }

    /// <summary>Prepares the task's state: from <paramref name="checkpoint"/> (a file this task wrote) when given,
    /// else from its own starting point. Returns the state reached (step 0 for a fresh start). Under several
    /// processes the file is rank 0's: it need not exist where the others run.</summary>
    TrainingState Start(string? checkpoint);

    /// <summary>The batches from global step <paramref name="fromStep"/> on, in the order a run from step 0 would
    /// have read them; stops when <paramref name="cancellation"/> is cancelled.</summary>
    IEnumerable<TBatch> ReadBatches(long fromStep, CancellationToken cancellation);

    /// <summary>Runs global step <paramref name="globalStep"/> on <paramref name="batch"/>. A step whose loss is not
    /// finite must leave the parameters and optimiser state as they were (the loop then stops without writing them);
    /// running statistics of train-mode layers may have moved.</summary>
    StepResult RunStep(TBatch batch, long globalStep, StepProfile? profile);

    /// <summary>Writes the task's whole state and <paramref name="state"/> to <paramref name="path"/>,
    /// atomically.</summary>
    void SaveCheckpoint(string path, TrainingState state);

    /// <summary>Writes the task's end-of-run reports (charts) into <paramref name="runFolder"/> from its log.</summary>
    void WriteReports(string runFolder, string logCsvPath);
}
