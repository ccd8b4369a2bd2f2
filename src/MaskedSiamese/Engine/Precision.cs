namespace MaskedSiamese.Engine;

/// <summary>
/// The arithmetic precision of a run's tensor paths (config key <c>meta.precision</c>). Master weights, optimizer
/// state and checkpoints stay float32 whatever the precision; only float32 is implemented so far.
/// </summary>
public enum Precision
{
    /// <summary>Everything in float32, as the official code.</summary>
    Fp32,
}
