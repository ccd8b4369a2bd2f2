namespace MaskedSiamese.Engine;

/// <summary>The precision a run uses and why (printed in the run header, written to the run's config.yaml).</summary>
/// <param name="Precision">The precision in use.</param>
/// <param name="Reason">Why, in one line: the config key that asked for it, or the rule <c>auto</c> applied.</param>
/// <param name="Fp32Gflops">A probe's float32 rate at the model's shapes (<see cref="PrecisionProbe"/> only).</param>
/// <param name="Bf16Gflops">A probe's bfloat16 rate at the same shapes (<see cref="PrecisionProbe"/> only).</param>
public sealed record PrecisionChoice(Precision Precision, string Reason, double? Fp32Gflops = null,
    double? Bf16Gflops = null)
{
    /// <summary>Chosen by <c>meta.precision: auto</c>: a resumed run keeps the precision its checkpoint records, and
    /// several processes take rank 0's.</summary>
    public bool IsAuto { get; init; }

    /// <summary><c>meta.precision</c> names this precision itself (its default included): the run's config.yaml then
    /// needs no note saying which precision is in use.</summary>
    public bool NamedByConfig { get; init; }

    /// <summary>The choice of a config that asks for its precision.</summary>
    public static PrecisionChoice Fixed(Precision precision, string why) =>
        new(precision, $"{precision.ConfigName()} ({why})");
}
