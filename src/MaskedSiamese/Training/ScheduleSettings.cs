namespace MaskedSiamese.Training;

/// <summary>
/// Settings of the MSN schedules (msn-spec §4.2). The defaults are the official ViT-S/16 config, except the run length
/// (<see cref="Epochs"/>, <see cref="IterationsPerEpoch"/>), which every run must give.
/// </summary>
/// <param name="Epochs">E, epochs of the run.</param>
/// <param name="IterationsPerEpoch">ipe, optimizer steps per epoch.</param>
public sealed record ScheduleSettings(int Epochs, int IterationsPerEpoch)
{
    /// <summary>E, epochs of the run (at least 1).</summary>
    public int Epochs { get; init; } = Epochs > 0
        ? Epochs
        : throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "must be at least 1");

    /// <summary>ipe, optimizer steps per epoch (at least 1).</summary>
    public int IterationsPerEpoch { get; init; } = IterationsPerEpoch > 0
        ? IterationsPerEpoch
        : throw new ArgumentOutOfRangeException(nameof(IterationsPerEpoch), IterationsPerEpoch, "must be at least 1");

    /// <summary>Warmup length in epochs (15); may be fractional, e.g. 0.075. Warmup steps are
    /// <c>int(warmup·ipe)</c>.</summary>
    public double WarmupEpochs { get; init; } = 15;

    /// <summary>Learning rate at the start of warmup (2e-4).</summary>
    public double StartLearningRate { get; init; } = 2e-4;

    /// <summary>Learning rate at the end of warmup (1e-3).</summary>
    public double ReferenceLearningRate { get; init; } = 1e-3;

    /// <summary>Nominal end of the cosine learning-rate decay (1e-6), reached only at the end of the horizon.</summary>
    public double FinalLearningRate { get; init; } = 1e-6;

    /// <summary>Weight decay at step 0 (0.04).</summary>
    public double WeightDecay { get; init; } = 0.04;

    /// <summary>Nominal weight decay at the end of the horizon (0.4).</summary>
    public double FinalWeightDecay { get; init; } = 0.4;

    /// <summary>EMA momentum of the first step (0.996).</summary>
    public double StartMomentum { get; init; } = 0.996;

    /// <summary>Nominal EMA momentum at the end of the horizon (1.0).</summary>
    public double FinalMomentum { get; init; } = 1.0;

    /// <summary>Sharpening temperature of the first step (0.25).</summary>
    public double StartSharpen { get; init; } = 0.25;

    /// <summary>Nominal sharpening temperature at the end of the horizon (0.25).</summary>
    public double FinalSharpen { get; init; } = 0.25;

    /// <summary>
    /// Length of every schedule as a multiple of the run (officially <c>ipe_scale</c> = 1.25): the schedules span
    /// <c>1.25·E·ipe</c> steps, so training stops at 80% of each curve (final lr ≈ 1e-4, not 1e-6; msn-spec §8.1).
    /// Set 1.0 for schedules that reach their nominal end values at the end of the run.
    /// </summary>
    public double HorizonMultiplier { get; init; } = 1.25;

    /// <summary>Optimizer steps of the run, <c>E·ipe</c>.</summary>
    public long TotalSteps => (long)Epochs * IterationsPerEpoch;

    /// <summary>Warmup steps W = <c>int(warmup·ipe)</c> (truncated, as Python's <c>int</c>).</summary>
    public long WarmupSteps => (long)(WarmupEpochs * IterationsPerEpoch);

    /// <summary>Schedule horizon Tmax = <c>int(multiplier·E·ipe)</c> (truncated).</summary>
    public long HorizonSteps => (long)(HorizonMultiplier * Epochs * IterationsPerEpoch);
}
