namespace MaskedSiamese.Engine;

/// <summary>How a training run ended.</summary>
/// <param name="StepsDone">Global steps completed (the step counter of the last checkpoint).</param>
/// <param name="Completed">True when every scheduled step ran; false when stopped early (max steps or cancel).</param>
/// <param name="LatestCheckpoint">The checkpoint holding the final state (null when the run wrote nothing).</param>
/// <param name="Seconds">Wall time of this invocation.</param>
/// <param name="MeanStepMilliseconds">Mean step time, excluding the first steps (warm-up).</param>
/// <param name="MeanDataWaitMilliseconds">Mean time a step waited for data.</param>
public sealed record TrainingOutcome(long StepsDone, bool Completed, string? LatestCheckpoint, double Seconds,
    double MeanStepMilliseconds, double MeanDataWaitMilliseconds);
