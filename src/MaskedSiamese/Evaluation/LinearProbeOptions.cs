namespace MaskedSiamese.Evaluation;

/// <summary>Settings of <see cref="LinearProbe.Train"/>.</summary>
public sealed record LinearProbeOptions
{
    /// <summary>Passes over the labelled features (the official run does 100 over augmented images).</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Mini-batch size.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>
    /// Peak learning rate, decayed to 0 along a per-step cosine. The official 6.4 is for batch 16,384; the head sees
    /// unit-norm inputs and starts with tiny weights, so it needs a large step, and 1.0 at batch 256 trains fastest in
    /// a few epochs here.
    /// </summary>
    public double LearningRate { get; init; } = 1.0;

    /// <summary>SGD momentum (Nesterov), official 0.9.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>Weight decay, official 0.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Seeds the weight initialisation and the per-epoch shuffles.</summary>
    public int Seed { get; init; }

    /// <summary>L2-normalise after the LayerNorm (official <c>normalize=True</c>).</summary>
    public bool Normalize { get; init; } = true;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Epochs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize);
        if (!(LearningRate > 0)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "must be > 0");
        ArgumentOutOfRangeException.ThrowIfNegative(Momentum);
        ArgumentOutOfRangeException.ThrowIfNegative(WeightDecay);
    }
}
