namespace MaskedSiamese.Engine;

/// <summary>Where a run stands, reported after every step.</summary>
/// <param name="Step">Steps done (global).</param>
/// <param name="TotalSteps">The step this run stops at.</param>
/// <param name="Epoch">The 0-based epoch of the last step.</param>
/// <param name="Last">The last step's result and metrics.</param>
/// <param name="StepMilliseconds">Wall time of the last step (its managed-garbage collection included).</param>
/// <param name="DataWaitMilliseconds">Time the last step waited for its batch.</param>
/// <param name="ImagesPerSecond">Throughput of the last step.</param>
/// <param name="Eta">Estimated time to the end.</param>
/// <param name="CheckpointSaved">Whether this step wrote a checkpoint (the first process of a run that writes).</param>
/// <param name="MeanStepMilliseconds">Mean step time of the run so far, its first steps (allocator, JIT) left out,
/// as in the run's outcome.</param>
/// <param name="MeanDataWaitMilliseconds">Mean wait for a batch, counted as the step times.</param>
/// <param name="Elapsed">Wall time since the run started.</param>
public sealed record TrainingProgress(long Step, long TotalSteps, int Epoch, StepResult Last, double StepMilliseconds,
    double DataWaitMilliseconds, double ImagesPerSecond, TimeSpan Eta, bool CheckpointSaved = false,
    double MeanStepMilliseconds = 0, double MeanDataWaitMilliseconds = 0, TimeSpan Elapsed = default);
