namespace MaskedSiamese.Engine;

/// <summary>The precision a run uses and why (printed in the run header, written to the run's config.yaml).</summary>
/// <param name="Precision">The precision in use.</param>
/// <param name="Reason">Why, in one line: the config key that asked for it, or the probe's figures.</param>
/// <param name="Fp32Gflops">The probe's float32 rate at the model's shapes (<c>auto</c> only).</param>
/// <param name="Bf16Gflops">The probe's bfloat16 rate at the same shapes (<c>auto</c> only).</param>
public sealed record PrecisionChoice(Precision Precision, string Reason, double? Fp32Gflops = null, double? Bf16Gflops = null)
{
    /// <summary>The choice of a config that names its precision.</summary>
    public static PrecisionChoice Fixed(Precision precision, string why) => new(precision, $"{precision.ConfigName()} ({why})");
}
