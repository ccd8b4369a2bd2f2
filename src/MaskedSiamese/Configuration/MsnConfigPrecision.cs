using MaskedSiamese.Diagnostics;
using MaskedSiamese.Engine;

namespace MaskedSiamese.Configuration;

/// <summary>Resolves <c>meta.precision</c> (and the official <c>meta.use_fp16</c>) to the precision a run uses, with
/// the reason: <c>auto</c> applies <see cref="PrecisionRule"/> to this CPU and device.</summary>
public static class MsnConfigPrecision
{
    /// <summary>The precision of <paramref name="config"/> and why.</summary>
    public static PrecisionChoice ToPrecisionChoice(this MsnConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var m = config.Meta;
        if (m.ToPrecision() is not { } precision)
            return PrecisionRule.Auto(CpuFeatures.Current(), MsnConfigMapping.ToDevice(m.Device));
        bool fromFp16 = m.UseFp16 && string.Equals(m.Precision, "fp32", StringComparison.OrdinalIgnoreCase);
        if (fromFp16) return PrecisionChoice.Fixed(precision, "meta.use_fp16: true, which means bf16 here");
        var named = PrecisionChoice.Fixed(precision, $"meta.precision: {precision.ConfigName()}");
        return named with { NamedByConfig = true };
    }

    /// <summary>
    /// The token-wide products of a training step on the target view: [B·T, D] · [D, 3D] (qkv), [D, 4D] (fc1) and
    /// [4D, D] (fc2), with B the batch and T the view's tokens with [CLS]; on fmnist_msn_small 8320 × 192 × 576 /
    /// 768 and 8320 × 768 × 192. They hold most of a step's FLOPs.
    /// </summary>
    public static IReadOnlyList<(long M, long K, long N)> ProbeShapes(MsnConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var vit = config.Meta.ToVitOptions();
        long patches = (long)(config.Data.RandSize / vit.PatchSize) * (config.Data.RandSize / vit.PatchSize);
        long rows = config.Criterion.BatchSize * (patches + 1), d = vit.EmbedDim, hidden = vit.MlpHiddenDim;
        return [(rows, d, 3 * d), (rows, d, hidden), (rows, hidden, d)];
    }
}
