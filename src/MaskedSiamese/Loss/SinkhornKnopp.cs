using MaskedSiamese.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Loss;

/// <summary>
/// The official Sinkhorn-Knopp balancing of the sharpened targets (msn-spec §2.3; <c>losses.py</c>
/// <c>distributed_sinkhorn</c>): the total and the prototype sums are summed over the processes and the sample count is
/// the global batch, so N processes balance their union as one process balances the whole batch.
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
    /// <param name="collective">The processes sharing the batch (null: this one only).</param>
    /// <returns>[B, K], each row summing to 1. Not differentiable in intent: call it under no_grad.</returns>
    public static Tensor Normalize(Tensor probabilities, int iterations = DefaultIterations,
        ICollective? collective = null)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentOutOfRangeException.ThrowIfNegative(iterations);
        using var scope = NewDisposeScope();
        var c = collective ?? SingleProcessCollective.Instance;
        var q = probabilities.t();
        using var b = (q.shape[1] * c.WorldSize).ToScalar();
        using var k = q.shape[0].ToScalar();
        var total = q.sum();
        c.AllReduceSum(total);
        q = q.div(total);
        for (int i = 0; i < iterations; i++)
        {
            var prototypeSums = q.sum(1, keepdim: true);
            c.AllReduceSum(prototypeSums);
            q = q.div(prototypeSums).div(k);
            q = q.div(q.sum(0L, keepdim: true)).div(b);
        }
        return q.mul(b).t().MoveToOuterDisposeScope();
    }
}
