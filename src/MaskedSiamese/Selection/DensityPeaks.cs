using static TorchSharp.torch;

namespace MaskedSiamese.Selection;

/// <summary>
/// Density peaks (Rodriguez and Laio, Science 2014) of a set of points. A point's density is 1 / the mean Euclidean
/// distance to its nearest neighbours (TypiClust's typicality, measured among all the points); its separation is the
/// distance to the nearest denser point (ties go to the lower row), and the densest point's is the largest of the
/// others'. A point that is both dense and far from anything denser is the centre of a mode of the data.
/// </summary>
/// <param name="Density">Every point's density.</param>
/// <param name="Separation">Every point's separation.</param>
internal sealed record DensityPeaks(double[] Density, double[] Separation)
{
    private const long BlockRows = 1024;

    /// <summary>Measures the rows of <paramref name="points"/> [N, D] with <paramref name="neighbours"/>
    /// neighbours (fewer when N is small); time and memory grow with N², in blocks of rows.</summary>
    public static DensityPeaks Of(Tensor points, int neighbours)
    {
        ArgumentNullException.ThrowIfNull(points);
        long n = points.shape[0];
        if (n == 1) return new([0], [0]);
        using var scope = NewDisposeScope();
        var x = points.to_type(ScalarType.Float32);
        int k = (int)Math.Min(neighbours, n - 1);
        var density = new double[n];
        ForEachBlock(x, (start, distances) =>
        {
            // A point never counts as its own neighbour.
            var self = arange(start, start + distances.shape[0]).unsqueeze(1).eq(arange(n).unsqueeze(0));
            var mean = distances.masked_fill(self, double.PositiveInfinity).topk(k, dim: 1, largest: false).values
                .mean([1]);
            (1.0 / mean.clamp_min(1e-12)).to_type(ScalarType.Float64).data<double>().ToArray()
                .CopyTo(density, start);
        });
        return new(density, Separations(x, density));
    }

    private static double[] Separations(Tensor x, double[] density)
    {
        long n = x.shape[0];
        var order = Enumerable.Range(0, (int)n).OrderByDescending(r => density[r]).ThenBy(r => r).ToArray();
        var rank = new long[n];
        for (int i = 0; i < n; i++) rank[order[i]] = i;
        var ranks = tensor(rank);
        var separation = new double[n];
        ForEachBlock(x, (start, distances) =>
        {
            // Only the points ranked before a point (denser, or as dense and in a lower row) count.
            var notDenser = ranks.unsqueeze(0).ge(ranks.narrow(0, start, distances.shape[0]).unsqueeze(1));
            distances.masked_fill(notDenser, double.PositiveInfinity).min(1).values.to_type(ScalarType.Float64)
                .data<double>().ToArray().CopyTo(separation, start);
        });
        separation[order[0]] = order.Skip(1).Max(r => separation[r]);
        return separation;
    }

    private static void ForEachBlock(Tensor x, Action<long, Tensor> visit)
    {
        long n = x.shape[0];
        for (long start = 0; start < n; start += BlockRows)
        {
            using var block = NewDisposeScope();   // the block's distances go at once
            long length = Math.Min(BlockRows, n - start);
            visit(start, cdist(x.narrow(0, start, length), x));
        }
    }
}
