using MaskedSiamese.Models;

namespace MaskedSiamese.Training;

/// <summary>
/// Analytic model FLOPs (a multiply-add counts 2) of MSN training, from the layer shapes: matrix products of the patch
/// embedding, the blocks (qkv, attention scores and weighted sum, projection, MLP) and the projection head, plus the
/// prototype similarities of the loss. Element-wise work (norms, GELU, softmax, optimizer) is not counted: it is small
/// next to the products and not what a matmul peak measures.
/// </summary>
public static class FlopCount
{
    /// <summary>Forward FLOPs of one image through the trunk with <paramref name="patches"/> patch tokens of which
    /// <paramref name="keptPatches"/> survive masking, plus the head when <paramref name="withHead"/>.</summary>
    public static double EncoderForward(EncoderArchitecture architecture, int patches, int keptPatches, bool withHead)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        var v = architecture.Vit;
        double d = v.EmbedDim, t = keptPatches + 1, p2 = v.PatchSize * v.PatchSize;
        double embed = 2.0 * patches * 3 * p2 * d;   // all patches are embedded before masking
        double perBlock = 2 * t * d * 3 * d            // qkv
                          + 2 * 2 * t * t * d          // q·kᵀ and attention · v over all heads
                          + 2 * t * d * d              // proj
                          + 2 * 2 * t * d * v.MlpHiddenDim;   // fc1 and fc2
        double head = 0;
        if (withHead && architecture.Head is { } h)
            head = 2.0 * (d * h.HiddenDim + (double)h.HiddenDim * h.HiddenDim + (double)h.HiddenDim * h.OutputDim);
        return embed + v.Depth * perBlock + head;
    }

    /// <summary>
    /// Training FLOPs per image: forward and backward (2× forward) of the anchor paths (the masked view and every
    /// focal view, through trunk and head), the target forward, and the prototype similarities (forward for anchors and
    /// target, backward for anchors).
    /// </summary>
    public static double TrainingPerImage(EncoderArchitecture architecture, int viewSize, int focalSize, int focalViews,
        double patchDrop)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        int p = architecture.Vit.PatchSize;
        int patches = (viewSize / p) * (viewSize / p), focalPatches = (focalSize / p) * (focalSize / p);
        int kept = Masking.RandomPatchMasker.KeptPatches(patches, patchDrop);
        double anchor = EncoderForward(architecture, patches, kept, true)
                        + focalViews * EncoderForward(architecture, focalPatches, focalPatches, true);
        double target = EncoderForward(architecture, patches, patches, true);
        double protos = architecture.Head is { } h && architecture.NumPrototypes is { } k ? 2.0 * h.OutputDim * k : 0;
        return 3 * anchor + target + protos * (3 * (1 + focalViews) + 1);
    }

    /// <summary>
    /// The speed-up a config change would give if step time followed model FLOPs: the matrix-product part of the
    /// baseline step (<paramref name="baselineMilliseconds"/> less <paramref name="fixedMilliseconds"/>, the parts
    /// FLOPs do not drive: AdamW, EMA, clipping, data wait) scales by <paramref name="flops"/> /
    /// <paramref name="baselineFlops"/>, the fixed part stays as measured at the baseline.
    /// </summary>
    public static double IdealSpeedup(double baselineMilliseconds, double fixedMilliseconds, double baselineFlops,
        double flops)
    {
        if (baselineMilliseconds <= 0 || baselineFlops <= 0)
            throw new ArgumentOutOfRangeException(nameof(baselineMilliseconds));
        double fixedPart = Math.Clamp(fixedMilliseconds, 0, baselineMilliseconds);
        return baselineMilliseconds / (fixedPart + (baselineMilliseconds - fixedPart) * flops / baselineFlops);
    }
}
