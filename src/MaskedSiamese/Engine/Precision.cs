namespace MaskedSiamese.Engine;

/// <summary>
/// The arithmetic precision of a run's matrix products (config key <c>meta.precision</c>). Master weights, gradient
/// accumulation, optimizer state, normalisation statistics, the loss and checkpoints stay float32 whatever the
/// precision (the op-by-op choice is in the README, "Precision").
/// </summary>
public enum Precision
{
    /// <summary>Everything in float32, as the official code.</summary>
    Fp32,

    /// <summary>The encoder's and projection head's matrix products in bfloat16 (8-bit mantissa) with float32
    /// accumulation inside each product and float32 master weights; everything else float32.</summary>
    Bf16,
}
