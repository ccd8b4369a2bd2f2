using MaskedSiamese.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Loss;

/// <summary>
/// The pieces of the MSN objective (msn-spec §2.2) as pure functions: each takes tensors and returns a new tensor on
/// the inputs' device and dtype, leaving the inputs untouched. Expressions follow the official code operation for
/// operation so that float32 results agree with it to rounding.
/// </summary>
public static class LossTerms
{
    /// <summary>The eps of <c>F.normalize</c>: norms below it are replaced by it.</summary>
    public const double NormalizeEps = 1e-12;

    /// <summary>
    /// Soft-nearest-neighbour probabilities <c>softmax(normalize(z) · normalize(Q)ᵀ / τ) · protoLabels</c>.
    /// </summary>
    /// <param name="embeddings">Rows to classify, [N, d].</param>
    /// <param name="prototypes">Prototypes, [K, d] (un-normalised; normalised here, as in every official call).</param>
    /// <param name="protoLabels">Label of each prototype, [K, C] (the identity unless label smoothing is on).</param>
    /// <param name="temperature">τ (0.1 in the official config, for anchors and targets alike).</param>
    /// <returns>[N, C] probabilities; differentiable with respect to both embeddings and prototypes.</returns>
    public static Tensor PrototypeProbabilities(Tensor embeddings, Tensor prototypes, Tensor protoLabels,
        double temperature)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(prototypes);
        ArgumentNullException.ThrowIfNull(protoLabels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(temperature);
        using var scope = NewDisposeScope();
        using var tau = temperature.ToScalar();
        var zn = nn.functional.normalize(embeddings, p: 2, dim: 1, eps: NormalizeEps);
        var qn = nn.functional.normalize(prototypes, p: 2, dim: 1, eps: NormalizeEps);
        // Dividing the logits (rather than scaling by 1/τ) keeps the official rounding.
        var logits = zn.matmul(qn.t()).div(tau);
        return nn.functional.softmax(logits, dim: 1).matmul(protoLabels).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Sharpening <c>p^(1/T) / Σ_k p^(1/T)</c> in the official pow-then-renormalise form (not <c>softmax(log
    /// p / T)</c>), so tiny entries underflow to 0 exactly where the official code's do.
    /// </summary>
    /// <param name="probabilities">[N, K] rows of probabilities.</param>
    /// <param name="sharpenTemperature">T &gt; 0; T = 1 is the identity up to renormalisation, T &lt; 1
    /// sharpens.</param>
    public static Tensor Sharpen(Tensor probabilities, double sharpenTemperature)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sharpenTemperature);
        using var scope = NewDisposeScope();
        using var exponent = (1.0 / sharpenTemperature).ToScalar();
        var sharp = probabilities.pow(exponent);
        return sharp.div(sharp.sum(1, keepdim: true)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Cross-entropy <c>mean_rows Σ_k log(p_k^(−t_k))</c> (= −Σ t log p). The power form makes every entry with
    /// t = 0 contribute exactly 0, also where p = 0, where <c>t·log p</c> would give 0·(−∞) = NaN.
    /// </summary>
    /// <param name="probabilities">Predictions p, [N, K].</param>
    /// <param name="targets">Targets t, [N, K] (normally without grad).</param>
    /// <returns>A 0-d tensor.</returns>
    public static Tensor CrossEntropy(Tensor probabilities, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(targets);
        using var scope = NewDisposeScope();
        return probabilities.pow(targets.neg()).log().sum(1).mean().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Mean-entropy maximisation regulariser <c>R = Σ p̄ log p̄ + log K = log K − H(p̄)</c> with <c>p̄</c> the
    /// mean of <b>all</b> rows (masked and focal anchors alike), in the official form <c>−Σ log(p̄^(−p̄)) + log
    /// K</c>. 0 for a uniform p̄, log K for a one-hot p̄.
    /// </summary>
    /// <param name="probabilities">Anchor predictions, [N, K].</param>
    /// <param name="collective">The processes sharing the batch (null: this one only): p̄ is averaged over them with
    /// an identity backward, as the official <c>AllReduce</c>.</param>
    /// <returns>A 0-d tensor.</returns>
    public static Tensor MeMax(Tensor probabilities, ICollective? collective = null)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        using var scope = NewDisposeScope();
        using var logK = Math.Log(probabilities.shape[1]).ToScalar();
        var mean = CollectiveAutograd.MeanIdentityGradient(probabilities.mean([0L]),
            collective ?? SingleProcessCollective.Instance);
        return mean.pow(mean.neg()).log().sum().neg().add(logK, KeptScalars.One).MoveToOuterDisposeScope();
    }

    /// <summary>Mean row entropy <c>mean_rows H(p)</c>, written <c>mean_rows Σ log(p^(−p))</c> as
    /// officially.</summary>
    /// <param name="probabilities">[N, K] rows of probabilities.</param>
    /// <returns>A 0-d tensor.</returns>
    public static Tensor MeanEntropy(Tensor probabilities)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        using var scope = NewDisposeScope();
        return probabilities.pow(probabilities.neg()).log().sum(1).mean().MoveToOuterDisposeScope();
    }
}
