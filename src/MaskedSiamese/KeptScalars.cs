using TorchSharp;

namespace MaskedSiamese;

/// <summary>
/// Scalars that live as long as the process. TorchSharp does not keep a <see cref="Scalar"/> alive through the native
/// call that reads it (docs/security.md, "Numbers freed while LibTorch reads them"), and its <c>add</c> without an
/// alpha, <c>Tensor + Tensor</c> included, makes a temporary alpha of 1; the additions here pass this one instead,
/// which a static field keeps from ever being collected.
/// </summary>
internal static class KeptScalars
{
    /// <summary>1: the alpha of a plain addition.</summary>
    public static readonly Scalar One = 1.ToScalar();
}
