using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.FineTuning;

/// <summary>Cross-entropy against smoothed labels: the target puts 1 − ε + ε/C on the true class and ε/C on every
/// other (timm's <c>LabelSmoothingCrossEntropy</c>), so the head is never pushed to infinite logits on a few
/// images.</summary>
public static class LabelSmoothing
{
    /// <summary>Mean over the batch of −Σ_c q_c log softmax(z)_c with q as above, i.e.
    /// (1 − ε)·NLL + ε·mean_c(−log p_c).</summary>
    /// <param name="logits">[B, C].</param>
    /// <param name="labels">[B], int64 class indices.</param>
    /// <param name="epsilon">ε in [0, 1); 0 is the plain cross-entropy.</param>
    public static Tensor CrossEntropy(Tensor logits, Tensor labels, double epsilon)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        if (epsilon is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "must be in [0, 1)");
        using var scope = torch.NewDisposeScope();
        var logp = logits.log_softmax(1);
        var nll = logp.gather(1, labels.unsqueeze(1)).squeeze(1).neg();
        var smooth = logp.mean([1]).neg();
        using var keep = (1 - epsilon).ToScalar();
        using var spread = epsilon.ToScalar();
        return (nll * keep).add(smooth * spread, KeptScalars.One).mean().MoveToOuterDisposeScope();
    }
}
