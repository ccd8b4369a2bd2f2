using MaskedSiamese.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.Diagnostics;

public sealed class TsneTests
{
    // Five Gaussian clusters of 60 points in 20 dimensions, their centres 8 standard deviations apart on average.
    private static (Tensor Points, int[] Labels) Clusters(int classes = 5, int perClass = 60, long seed = 1)
    {
        using var generator = new Generator((ulong)seed);
        using var spread = 6.ToScalar();
        using var centres = randn([classes, 1, 20], generator: generator).mul(spread);
        using var noise = randn([classes, perClass, 20], generator: generator);
        var labels = Enumerable.Range(0, classes).SelectMany(c => Enumerable.Repeat(c, perClass)).ToArray();
        return (centres.add(noise, KeptScalars.One).reshape(classes * perClass, 20), labels);
    }

    // The share of points whose nearest other point on the map has their class.
    private static double NeighbourAgreement((double X, double Y)[] map, int[] labels)
    {
        int agree = 0;
        for (int i = 0; i < map.Length; i++)
        {
            int nearest = Enumerable.Range(0, map.Length).Where(j => j != i)
                .MinBy(j => Math.Pow(map[i].X - map[j].X, 2) + Math.Pow(map[i].Y - map[j].Y, 2));
            if (labels[nearest] == labels[i]) agree++;
        }
        return (double)agree / map.Length;
    }

    [Fact]
    public void Separated_clusters_stay_separated_and_a_seed_gives_the_same_map()
    {
        var (points, labels) = Clusters();
        using var _ = points;
        var map = Tsne.Embed(points, new TsneOptions { Seed = 3 });

        Assert.Equal(points.shape[0], map.Length);
        Assert.True(NeighbourAgreement(map, labels) > 0.97, $"agreement {NeighbourAgreement(map, labels)}");
        Assert.Equal(map, Tsne.Embed(points, new TsneOptions { Seed = 3 }));
        Assert.NotEqual(map, Tsne.Embed(points, new TsneOptions { Seed = 4 }));
    }

    [Fact]
    public void The_affinities_are_symmetric_and_sum_to_one_and_bad_input_is_refused()
    {
        var (points, _) = Clusters(perClass: 20);
        using var __ = points;
        using var x = points.to(float64);
        using var p = Tsne.Affinities(x, 30);
        using var transposed = p.T;
        Assert.True(p.allclose(transposed));
        using var total = p.sum();
        Assert.Equal(1.0, total.item<double>(), 9);

        using var two = zeros(2, 4);
        Assert.Throws<ArgumentException>(() => Tsne.Embed(two));
        Assert.Throws<ArgumentException>(() => Tsne.Embed(points, new TsneOptions { Perplexity = 0.5 }));
    }
}
