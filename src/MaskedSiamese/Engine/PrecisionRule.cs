using MaskedSiamese.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Engine;

/// <summary>
/// Resolves <c>meta.precision: auto</c> from what the hardware is, never from how fast it happens to run at the
/// moment: a timing probe chose differently under load, and a run that probes again on <c>--resume</c>, or ranks that
/// each probe, could change or disagree on precision. The rule per instruction set is measured with
/// <c>msn bench train --sweep meta.precision=fp32,bf16</c> (README, "Precision"): bf16 training steps ran 1.55–1.64×
/// fp32 images/s on hosts with AMX (<c>amx_bf16</c>) and 2.26–2.42× on hosts with only AVX-512 bf16 (fmnist_default,
/// 2026-12-04). Without either, bf16 products are emulated and fp32 stays.
/// </summary>
public static class PrecisionRule
{
    /// <summary>The precision <c>auto</c> gives on <paramref name="device"/> with these CPU features, and
    /// why.</summary>
    public static PrecisionChoice Auto(CpuFeatures cpu, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(cpu);
        if (device is { type: DeviceType.CUDA })
            return Chosen(Precision.Bf16, "a CUDA device: bf16 tensor-core products");
        if (cpu.AmxBf16)
            return Chosen(Precision.Bf16, $"CPU {cpu}: bf16 training steps measured 1.55–1.64× fp32 with AMX");
        if (cpu.Avx512Bf16)
            return Chosen(Precision.Bf16, $"CPU {cpu}: bf16 training steps measured 2.26–2.42× fp32 with AVX-512");
        return Chosen(Precision.Fp32, $"CPU {cpu}: no bf16 instructions");
    }

    private static PrecisionChoice Chosen(Precision precision, string why) =>
        new(precision, $"{precision.ConfigName()} (auto: {why})") { IsAuto = true };
}
