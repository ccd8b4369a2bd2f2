using MaskedSiamese.Engine;

namespace MaskedSiamese.Configuration;

/// <summary>Resolves <c>meta.precision</c> (and the official <c>meta.use_fp16</c>) to the precision a run uses, with
/// the reason: <c>auto</c> probes this model's matrix shapes once.</summary>
public static class MsnConfigPrecision
{
    /// <summary>The precision of <paramref name="config"/> and why; <c>auto</c> costs a probe of about a second.</summary>
    public static PrecisionChoice ToPrecisionChoice(this MsnConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var m = config.Meta;
        if (m.ToPrecision() is not { } precision)
            return PrecisionProbe.Choose(ProbeShapes(config), m.Threads);
        bool fromFp16 = m.UseFp16 && string.Equals(m.Precision, "fp32", StringComparison.OrdinalIgnoreCase);
        return PrecisionChoice.Fixed(precision, fromFp16
            ? "meta.use_fp16: true, which means bf16 here"
            : $"meta.precision: {precision.ConfigName()}");
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
