using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Diagnostics;

/// <summary>
/// A 2-D map of embeddings by exact t-SNE (van der Maaten and Hinton, JMLR 2008) on LibTorch: centred and reduced to
/// their first principal components, each point's Gaussian affinities to the others set to a perplexity by bisection
/// on its precision, symmetrised, and a Student-t map fitted to them by gradient descent with momentum, per-coordinate
/// gains and early exaggeration. Every pair is computed (no Barnes-Hut tree): O(N²) memory and time per iteration,
/// meant for a few thousand points at most. The same points and seed give the same map on the same machine and
/// thread count.
/// </summary>
public static class Tsne
{
    // The bisection stops when every row's entropy is this close to log(perplexity) (scikit-learn's tolerance), or
    // after this many halvings and doublings of the precision, which cover any scale of squared distances.
    private const double EntropyTolerance = 1e-5;
    private const int BisectionSteps = 100;

    /// <summary>The 2-D map of the rows of <paramref name="features"/> [N, D] (any floating dtype, any device; the map
    /// is computed on the CPU).</summary>
    /// <exception cref="ArgumentException">Not [N, D] with N ≥ 3 and D ≥ 1, or settings out of range.</exception>
    public static (double X, double Y)[] Embed(Tensor features, TsneOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        options ??= new TsneOptions();
        if (features.ndim != 2 || features.shape[0] < 3 || features.shape[1] < 1)
            throw new ArgumentException($"features must be [N, D] with N ≥ 3, got [{string.Join(", ",
                features.shape)}]", nameof(features));
        if (options.Perplexity <= 1 || options.PcaDimensions < 1 || options.Iterations < 1 ||
            options.ExaggerationIterations < 0 || options.Exaggeration < 1 || options.LearningRate < 0)
            throw new ArgumentException($"t-SNE settings out of range: {options}", nameof(options));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long n = features.shape[0];
        // Affinities in float64: the bisection compares entropies that differ in their last digits.
        var reduced = Reduce(features.detach().to(float64).cpu(), options.PcaDimensions);
        var p = Affinities(reduced, Math.Clamp(options.Perplexity, 1, Math.Max(1, (n - 1) / 3.0))).to(float32);
        var map = Descend(p, options);
        var values = map.to(float64).data<double>().ToArray();
        return [.. Enumerable.Range(0, (int)n).Select(i => (values[2 * i], values[2 * i + 1]))];
    }

    // Centred rows projected on the top principal axes (eigenvectors of the D×D covariance: cheap for D in the
    // hundreds). An axis's sign is arbitrary, but distances, all t-SNE reads, do not depend on it.
    private static Tensor Reduce(Tensor x, int dimensions)
    {
        var centred = x - x.mean([0], keepdim: true);
        if (x.shape[1] <= dimensions) return centred;
        var (_, vectors) = linalg.eigh(centred.T.mm(centred));   // eigenvalues ascending
        return centred.mm(vectors.narrow(1, x.shape[1] - dimensions, dimensions));
    }

    /// <summary>The symmetrised affinities P [N, N] (float64, summing to 1): row i's conditional Gaussian
    /// affinities, whose precision β_i is bisected until their entropy is log(perplexity), then
    /// (P + Pᵀ) / 2N.</summary>
    internal static Tensor Affinities(Tensor x, double perplexity)
    {
        long n = x.shape[0];
        using var self = eye(n, dtype: ScalarType.Bool);
        using var infinity = double.PositiveInfinity.ToScalar();
        using var zero = 0.ToScalar();
        using var tiny = 1e-12.ToScalar();
        using var others = (n - 1).ToScalar();
        using var halfOf = 0.5.ToScalar();
        // Distances from each row's nearest other point: exp(−β·d) then neither underflows nor overflows; the
        // diagonal's +∞ makes a point no neighbour of itself.
        var distances = SquaredDistances(x).masked_fill(self, infinity);
        distances = distances - distances.min(1, keepdim: true).values;
        var finite = distances.masked_fill(self, zero);
        // A start at each row's mean distance puts β within a few doublings of its value.
        var beta = finite.sum(1, keepdim: true).clamp_min(tiny).reciprocal().mul(others);
        var low = zeros(n, 1, float64);
        var high = full(n, 1, infinity, float64);
        using var target = Math.Log(perplexity).ToScalar();
        Tensor? conditional = null;
        for (int step = 0; ; step++)
        {
            conditional?.Dispose();
            using var scope = NewDisposeScope();
            conditional = (distances * -beta).exp_().MoveToOuterDisposeScope();   // exp(−∞) = 0 on the diagonal
            var total = conditional.sum(1, keepdim: true);
            var entropy = total.log().add(beta * (finite * conditional).sum(1, keepdim: true) / total, KeptScalars.One);
            if (step == BisectionSteps - 1 || entropy.sub(target).abs().max().item<double>() < EntropyTolerance) break;
            // Too much entropy: the Gaussian is too wide, so β must grow.
            var grow = entropy.gt(target);
            var (lower, higher) = (where(grow, beta, low), where(grow, high, beta));
            var midpoint = lower.add(higher, KeptScalars.One).mul(halfOf);
            var next = where(higher.isinf(), beta.add(beta, KeptScalars.One), midpoint);
            (low, high, beta) = (Keep(low, lower), Keep(high, higher), Keep(beta, next));
        }
        conditional = conditional / conditional.sum(1, keepdim: true);
        using var twiceN = (2.0 * n).ToScalar();
        return conditional.add(conditional.T, KeptScalars.One).div(twiceN).clamp_min(tiny);
    }

    // Gradient descent on KL(P ‖ Q) with Student-t Q: per iteration one [N, N] kernel and one matrix product.
    private static Tensor Descend(Tensor p, TsneOptions options)
    {
        long n = p.shape[0];
        double rate = options.LearningRate > 0 ? options.LearningRate : Math.Max(n / options.Exaggeration / 4, 50);
        using var generator = new Generator((ulong)options.Seed);
        using var spread = 1e-4f.ToScalar();
        using var zero = 0.ToScalar();
        using var exaggeration = ((float)options.Exaggeration).ToScalar();
        var map = randn([n, 2], generator: generator).mul(spread);
        var update = zeros_like(map);
        var gains = ones_like(map);
        var c = new Constants(rate);
        var exaggerated = p.mul(exaggeration);
        for (int iteration = 0; iteration < options.Iterations; iteration++)
        {
            bool early = iteration < options.ExaggerationIterations;
            using var scope = NewDisposeScope();
            var gradient = Gradient(early ? exaggerated : p, map, c);
            // Gains grow on coordinates whose gradient turned against the last move and shrink where it kept on.
            var turned = (gradient * update).lt(zero);
            var nextGains = maximum(where(turned, gains.add(c.GainUp, KeptScalars.One), gains * c.GainDown), c.MinGain);
            var nextUpdate = update * (early ? c.EarlyMomentum : c.Momentum) - c.Rate * nextGains * gradient;
            var moved = map.add(nextUpdate, KeptScalars.One);
            var nextMap = moved - moved.mean([0], keepdim: true);   // t-SNE's loss ignores a shift; drift stays out
            (gains, update, map) = (Keep(gains, nextGains), Keep(update, nextUpdate), Keep(map, nextMap));
        }
        return map;
    }

    // ∂KL/∂y_i = 4 Σ_j (p_ij − q_ij) w_ij (y_i − y_j), w_ij = 1 / (1 + |y_i − y_j|²), q_ij = w_ij / Z with
    // Z = Σ_{i≠j} w_ij. The diagonal (w_ii = 1) needs no mask: its term has y_i − y_i = 0, and Z subtracts it. The
    // [N, N] passes are what costs, so they are few and in place: 1 + |y_i − y_j|² as one product of [N, 4] rows
    // (|y_i|² + 1, 1, −2y_i)·(1, |y_j|², y_j), then w, then p∘w − w∘w / Z.
    private static Tensor Gradient(Tensor p, Tensor map, Constants c)
    {
        var squared = (map * map).sum(1, keepdim: true);
        var ones = ones_like(squared);
        var left = cat([squared.add(ones, KeptScalars.One), ones, map * c.MinusTwo], 1);
        var right = cat([ones, squared, map], 1);
        var kernel = left.mm(right.T).reciprocal_();
        double z = kernel.sum().item<float>() - p.shape[0];
        using var minusOverZ = (-1.0 / z).ToScalar();
        var weights = (p * kernel).addcmul_(kernel, kernel, minusOverZ);
        return c.Four * (weights.sum(1, keepdim: true) * map - weights.mm(map));
    }

    // |x_i|² + |x_j|² − 2 x_i·x_j, negatives from rounding set to 0.
    private static Tensor SquaredDistances(Tensor x)
    {
        var squared = (x * x).sum(1);
        var products = x.mm(x.T);
        return (squared.unsqueeze(1).add(squared.unsqueeze(0), KeptScalars.One) - products - products).relu();
    }

    // A loop's new value leaves the iteration's scope and its old one is freed: the loop holds three small tensors,
    // not three per iteration.
    private static Tensor Keep(Tensor old, Tensor next)
    {
        next.MoveToOuterDisposeScope();
        old.Dispose();
        return next;
    }

    // The loop's constants as 0-dim tensors of the map's dtype, made once in the caller's scope: a C# number in a
    // tensor expression would allocate a native Scalar per use, freed only by the finaliser.
    private sealed class Constants(double rate)
    {
        public Tensor MinusTwo { get; } = tensor(-2f);
        public Tensor Four { get; } = tensor(4f);
        public Tensor GainUp { get; } = tensor(0.2f);
        public Tensor GainDown { get; } = tensor(0.8f);
        public Tensor MinGain { get; } = tensor(0.01f);
        public Tensor EarlyMomentum { get; } = tensor(0.5f);
        public Tensor Momentum { get; } = tensor(0.8f);
        public Tensor Rate { get; } = tensor((float)rate);
    }
}
