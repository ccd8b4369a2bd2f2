using static TorchSharp.torch;

namespace MaskedSiamese.Engine;

/// <summary>What a <see cref="Precision"/> means for tensor code.</summary>
public static class PrecisionExtensions
{
    /// <summary>The dtype the matrix products run in: float32 or bfloat16.</summary>
    public static ScalarType ComputeType(this Precision precision) => precision switch
    {
        Precision.Fp32 => ScalarType.Float32,
        Precision.Bf16 => ScalarType.BFloat16,
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "unknown precision"),
    };

    /// <summary>The config spelling (<c>fp32</c>, <c>bf16</c>).</summary>
    public static string ConfigName(this Precision precision) => precision.ToString().ToLowerInvariant();
}
