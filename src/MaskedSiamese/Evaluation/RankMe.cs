using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Evaluation;

/// <summary>
/// RankMe (Garrido et al., ICML 2023), a label-free measure of an embedding's quality: the effective rank
/// exp(−Σ p_k log p_k) of the embeddings of a set of images, p_k = σ_k / Σσ + ε with σ the singular values of the
/// [N, D] matrix. It lies between 1 (every image on one line: collapse) and min(N, D).
/// </summary>
public static class RankMe
{
    /// <summary>The paper's ε.</summary>
    public const double Epsilon = 1e-7;

    /// <summary>RankMe of the rows of <paramref name="embeddings"/> [N, D] (computed in float64).</summary>
    public static double Of(Tensor embeddings)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        if (embeddings.ndim != 2 || embeddings.shape[0] < 1 || embeddings.shape[1] < 1)
            throw new ArgumentException($"embeddings must be [N, D] with N, D ≥ 1, got " +
                $"{FeaturePreprocessing.Shape(embeddings)}", nameof(embeddings));
        using var scope = NewDisposeScope();
        var sigma = linalg.svdvals(embeddings.to(float64));
        double total = sigma.sum().item<double>();
        if (!(total > 0)) return 1;   // all zero: nothing is spread at all
        using var sum = total.ToScalar();
        using var epsilon = Epsilon.ToScalar();
        var p = sigma.div(sum).add(epsilon, KeptScalars.One);
        return Math.Exp(-p.mul(p.log()).sum().item<double>());
    }
}
