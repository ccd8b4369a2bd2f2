using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Loss;

/// <summary>
/// The official Sinkhorn-Knopp balancing of the sharpened targets (msn-spec §2.3; <c>losses.py</c>
/// <c>distributed_sinkhorn</c>), single process (world size 1, so the global batch is the local one).
/// </summary>
public static class SinkhornKnopp
{
    /// <summary>The official number of iterations.</summary>
    public const int DefaultIterations = 3;

    /// <summary>
    /// Balances <paramref name="probabilities"/> so every prototype gets (approximately) equal mass while each row
    /// stays a distribution. Runs on the transposed matrix in the official order: divide by the total; then per
    /// iteration divide by the prototype (row) sums, by K, by the sample (column) sums, by B; finally multiply by B.
    /// There is no eps guard, as officially: a prototype with zero total mass gives NaN.
    /// </summary>
    /// <param name="probabilities">[B, K] non-negative rows (the sharpened targets); not modified.</param>
    /// <param name="iterations">Number of iterations (3 officially).</param>
    /// <returns>[B, K], each row summing to 1. Not differentiable in intent: call it under no_grad.</returns>
    public static Tensor Normalize(Tensor probabilities, int iterations = DefaultIterations)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentOutOfRangeException.ThrowIfNegative(iterations);
        using var scope = NewDisposeScope();
        var q = probabilities.t();
        using var b = q.shape[1].ToScalar();
        using var k = q.shape[0].ToScalar();
        q = q.div(q.sum());
        for (int i = 0; i < iterations; i++)
        {
            q = q.div(q.sum(1, keepdim: true)).div(k);
            q = q.div(q.sum(0L, keepdim: true)).div(b);
        }
        return q.mul(b).t().MoveToOuterDisposeScope();
    }
}
