using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Selection;

/// <summary>Typicality of points among their cluster: 1 / the mean Euclidean distance to their nearest neighbours.
/// A large cluster is measured against a random sample of its members.</summary>
internal static class Typicality
{
    private const long BlockRows = 8192;

    /// <summary>Typicality of every row of <paramref name="members"/> [M, D] (a cluster), against at most
    /// <paramref name="sample"/> of them drawn with <paramref name="generator"/>.</summary>
    public static double[] Of(Tensor members, int neighbours, int sample, Generator generator)
    {
        long m = members.shape[0];
        if (m == 1) return [0];
        using var scope = NewDisposeScope();
        using var count = m.ToScalar();
        using var infinity = double.PositiveInfinity.ToScalar();
        using var tiny = 1e-12.ToScalar();
        var referenceRows = m <= sample ? arange(count) : randperm(m, generator: generator).narrow(0, 0, sample);
        var reference = members.index_select(0, referenceRows);
        long r = referenceRows.shape[0];
        int k = (int)Math.Min(neighbours, r - 1);
        var result = new double[m];
        for (long start = 0; start < m; start += BlockRows)
        {
            using var block = NewDisposeScope();
            long length = Math.Min(BlockRows, m - start);
            var distances = cdist(members.narrow(0, start, length), reference);
            // A member never counts as its own neighbour.
            using var first = start.ToScalar();
            using var end = (start + length).ToScalar();
            var self = arange(first, end).unsqueeze(1).eq(referenceRows.unsqueeze(0));
            distances = distances.masked_fill(self, infinity);
            var nearest = distances.topk(k, dim: 1, largest: false).values.mean([1]);
            var typicality = nearest.clamp_min(tiny).reciprocal().to_type(ScalarType.Float64);
            typicality.data<double>().ToArray().CopyTo(result, start);
        }
        return result;
    }
}
