namespace MaskedSiamese.Models;

/// <summary>
/// The MSN projection head (<c>msn_train.py</c>: fc1 → bn1 → GELU → fc2 → bn2 → GELU → fc3), applied to the
/// [CLS] token after the final LayerNorm. Its output width is also the prototype width.
/// </summary>
/// <param name="HiddenDim">Width of fc1 and fc2 (official: 2048).</param>
/// <param name="OutputDim">Width of fc3, the representation the loss compares with prototypes (official: 256).</param>
public sealed record ProjectionHeadOptions(int HiddenDim = 2048, int OutputDim = 256)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first impossible value.</summary>
    public void Validate()
    {
        if (HiddenDim is <= 0 or > 1 << 16)
            throw new ArgumentException($"HiddenDim must be in 1..65536 (got {HiddenDim})", nameof(HiddenDim));
        if (OutputDim is <= 0 or > 1 << 16)
            throw new ArgumentException($"OutputDim must be in 1..65536 (got {OutputDim})", nameof(OutputDim));
    }
}
