using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Selection;

/// <summary>
/// k-means on LibTorch: k-means++ seeding, then Lloyd iterations until no assignment changes. Distances are taken in
/// row blocks, so memory stays at a block × k matrix whatever the number of points. More than
/// <see cref="FitRows"/> points: the centres are fitted on a seeded sample of that many, then every point goes to its
/// nearest centre.
/// </summary>
public static class KMeans
{
    private const long BlockRows = 32_768;

    /// <summary>Points the centres are fitted on at most: all of an evaluation pool (20,000), while a round of 1,050
    /// clusters over 100,000 images took 42 s with every point in every Lloyd iteration.</summary>
    public const int FitRows = 20_000;

    /// <summary>Clusters the rows of <paramref name="points"/> [N, D] (float32 or float64) into
    /// <paramref name="k"/> groups; deterministic for a seed. Returns each row's cluster.</summary>
    /// <param name="points">The points.</param>
    /// <param name="k">Clusters, 1 ≤ k ≤ N.</param>
    /// <param name="seed">Seeds the k-means++ draws.</param>
    /// <param name="maxIterations">Lloyd iterations at most.</param>
    public static int[] Cluster(Tensor points, int k, long seed, int maxIterations = 50)
    {
        ArgumentNullException.ThrowIfNull(points);
        long n = points.shape[0];
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, n);
        using var scope = NewDisposeScope();
        var all = points.to_type(ScalarType.Float32);
        if (n <= FitRows) return Fit(all, k, seed, maxIterations);
        using var generator = new Generator(unchecked((ulong)seed ^ 0x5A3D1E));
        var sample = all.index_select(0, randperm(n, generator: generator).narrow(0, 0, FitRows));
        var centres = Centres(sample, k, seed, maxIterations);
        return Assign(all, all.square().sum(1), centres).to_type(ScalarType.Int32).data<int>().ToArray();
    }

    private static int[] Fit(Tensor x, int k, long seed, int maxIterations)
    {
        using var scope = NewDisposeScope();
        var squares = x.square().sum(1);
        var (_, assignment) = Lloyd(x, squares, k, seed, maxIterations);
        return assignment.to_type(ScalarType.Int32).data<int>().ToArray();
    }

    private static Tensor Centres(Tensor x, int k, long seed, int maxIterations)
    {
        var squares = x.square().sum(1);
        return Lloyd(x, squares, k, seed, maxIterations).Centres;
    }

    private static (Tensor Centres, Tensor Assignment) Lloyd(Tensor x, Tensor squares, int k, long seed,
        int maxIterations)
    {
        var centres = Seed(x, squares, k, seed);
        var assignment = Assign(x, squares, centres);
        for (int iteration = 0; iteration < maxIterations; iteration++)
        {
            // Each iteration's temporaries go with it; only the new centres and assignment stay.
            using var step = NewDisposeScope();
            var nextCentres = Update(x, assignment, centres, k);
            var next = Assign(x, squares, nextCentres);
            bool stable = next.equal(assignment).all().item<bool>();
            var (oldCentres, oldAssignment) = (centres, assignment);
            (centres, assignment) = step.MoveToOuter(nextCentres, next);
            oldCentres.Dispose();
            oldAssignment.Dispose();
            if (stable) break;
        }
        return (centres, assignment);
    }

    // k-means++: the first centre uniform, each next one drawn with probability ∝ squared distance to the nearest
    // centre so far.
    private static Tensor Seed(Tensor x, Tensor squares, int k, long seed)
    {
        using var generator = new Generator((ulong)seed);
        long n = x.shape[0];
        var chosen = new List<long> { randint(n, [1], generator: generator).item<long>() };
        var nearest = Distances(x, squares, x[chosen[0]].unsqueeze(0)).squeeze(1);
        using var zero = 0.ToScalar();
        for (int c = 1; c < k; c++)
        {
            using var inner = NewDisposeScope();
            double total = nearest.sum().item<float>();
            long next = total > 0
                ? multinomial(nearest.clamp_min(zero), 1, generator: generator).item<long>()
                : randint(n, [1], generator: generator).item<long>();   // every point is already a centre's twin
            chosen.Add(next);
            var d = Distances(x, squares, x[next].unsqueeze(0)).squeeze(1);
            var previous = nearest;
            nearest = minimum(nearest, d).MoveToOuterDisposeScope();
            previous.Dispose();
        }
        return x.index_select(0, tensor(chosen.ToArray()));
    }

    // Squared Euclidean distances [N, k] between rows and centres: |x|² − 2x·c + |c|².
    private static Tensor Distances(Tensor x, Tensor squares, Tensor centres)
    {
        using var two = 2.ToScalar();
        var centreSquares = centres.square().sum(1);
        return (squares.unsqueeze(1) - x.mm(centres.t()).mul(two)).add(centreSquares.unsqueeze(0), KeptScalars.One);
    }

    private static Tensor Assign(Tensor x, Tensor squares, Tensor centres)
    {
        long n = x.shape[0];
        var parts = new List<Tensor>();
        for (long start = 0; start < n; start += BlockRows)
        {
            using var block = NewDisposeScope();   // the block's distances go at once
            long length = Math.Min(BlockRows, n - start);
            parts.Add(Distances(x.narrow(0, start, length), squares.narrow(0, start, length), centres).argmin(1)
                .MoveToOuterDisposeScope());
        }
        return cat(parts, 0);
    }

    // Each centre moves to the mean of its points; an emptied cluster keeps its centre.
    private static Tensor Update(Tensor x, Tensor assignment, Tensor centres, int k)
    {
        using var one = 1.ToScalar();
        using var zero = 0.ToScalar();
        var sums = zeros(k, x.shape[1]).index_add_(0, assignment, x, one);
        var counts = zeros(k).index_add_(0, assignment, ones(x.shape[0]), one);
        var empty = counts.eq(zero).unsqueeze(1);
        return where(empty, centres, sums / counts.clamp_min(one).unsqueeze(1));
    }
}
