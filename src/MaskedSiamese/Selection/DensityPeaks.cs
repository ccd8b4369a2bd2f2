using TorchSharp;
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
        using var count = n.ToScalar();
        using var infinity = double.PositiveInfinity.ToScalar();
        using var tiny = 1e-12.ToScalar();
        var density = new double[n];
        var nearest = new (long[] Rows, double[] Distances)[n];
        ForEachBlock(x, [.. Enumerable.Range(0, (int)n).Select(r => (long)r)], (rows, distances) =>
        {
            // A point never counts as its own neighbour.
            var self = tensor(rows).unsqueeze(1).eq(arange(count).unsqueeze(0));
            var (values, indices) = distances.masked_fill(self, infinity)
                .topk(k, dim: 1, largest: false);
            var d = values.to_type(ScalarType.Float64).data<double>().ToArray();
            var i = indices.data<long>().ToArray();
            var mean = values.mean([1]).clamp_min(tiny).reciprocal().to_type(ScalarType.Float64)
                .data<double>().ToArray();
            for (int r = 0; r < rows.Length; r++)
            {
                nearest[rows[r]] = (i[(r * k)..((r + 1) * k)], d[(r * k)..((r + 1) * k)]);
                density[rows[r]] = mean[r];
            }
        });
        return new(density, Separations(x, density, nearest));
    }

    // A point whose neighbours hold a denser one is separated by the nearest of those (anything farther is at least
    // as far); only the others, the local maxima, are compared with every point.
    private static double[] Separations(Tensor x, double[] density, (long[] Rows, double[] Distances)[] nearest)
    {
        long n = x.shape[0];
        var order = Enumerable.Range(0, (int)n).OrderByDescending(r => density[r]).ThenBy(r => r).ToArray();
        var rank = new long[n];
        for (int i = 0; i < n; i++) rank[order[i]] = i;
        var separation = new double[n];
        var maxima = new List<long>();
        for (int r = 0; r < n; r++)
        {
            int j = Array.FindIndex(nearest[r].Rows, q => rank[q] < rank[r]);
            if (j >= 0) separation[r] = nearest[r].Distances[j];
            else maxima.Add(r);
        }
        var ranks = tensor(rank);
        using var infinity = double.PositiveInfinity.ToScalar();
        ForEachBlock(x, [.. maxima], (rows, distances) =>
        {
            // Only the points ranked before a point (denser, or as dense and in a lower row) count.
            var notDenser = ranks.unsqueeze(0).ge(tensor(rows.Select(r => rank[r]).ToArray()).unsqueeze(1));
            var d = distances.masked_fill(notDenser, infinity).min(1).values
                .to_type(ScalarType.Float64).data<double>().ToArray();
            for (int r = 0; r < rows.Length; r++) separation[rows[r]] = d[r];
        });
        separation[order[0]] = order.Skip(1).Max(r => separation[r]);
        return separation;
    }

    // Distances [rows, N] from each block of the given rows to every point.
    private static void ForEachBlock(Tensor x, long[] rows, Action<long[], Tensor> visit)
    {
        for (int start = 0; start < rows.Length; start += (int)BlockRows)
        {
            using var block = NewDisposeScope();   // the block's distances go at once
            var part = rows[start..Math.Min(rows.Length, start + (int)BlockRows)];
            visit(part, cdist(x.index_select(0, tensor(part)), x));
        }
    }
}
