using MaskedSiamese.Data;
using MaskedSiamese.Data.Augmentation;

namespace MaskedSiamese.Tests.Data;

public class EvalLoaderTests
{
    private static readonly LoaderOptions Small = new() { BatchSize = 8, Workers = 2, Prefetch = 2 };

    [Fact]
    public void One_pass_in_index_order_keeps_the_short_last_batch_and_matches_the_transform()
    {
        var source = new SyntheticSource(21);
        using var loader = new EvalLoader(source, EvalOptions.FashionMnistDefaults, Small);
        Assert.Equal(3, loader.BatchCount);
        var batches = new List<(int[] Indices, int[] Labels, float[] Pixels, long[] Shape)>();
        foreach (var b in loader.Read())
            using (b)
                batches.Add(([.. b.Indices], [.. b.Labels], b.Images.data<float>().ToArray(), b.Images.shape));
        Assert.Equal(Enumerable.Range(0, 21), batches.SelectMany(b => b.Indices));
        Assert.Equal(new long[] { 5, 3, 32, 32 }, batches[2].Shape);
        Assert.Equal(batches[1].Indices.Select(i => i % 10), batches[1].Labels);
        var expected = EvalTransform.Apply(source.TryGet(10)!, EvalOptions.FashionMnistDefaults).Data;
        Assert.Equal(expected, batches[1].Pixels[(2 * expected.Length)..(3 * expected.Length)]);
        Assert.Equal(0, loader.RunningWorkers);
    }

    [Fact]
    public void Late_failures_are_left_out_and_leaving_early_stops_the_workers()
    {
        var source = new SyntheticSource(21, unreadable: new HashSet<int> { 1, 2 });
        using var loader = new EvalLoader(source, EvalOptions.FashionMnistDefaults, Small);
        using (var first = loader.MakeBatch(0))
        {
            Assert.Equal([0, 3, 4, 5, 6, 7], first.Indices);
            Assert.Equal(new long[] { 6, 3, 32, 32 }, first.Images.shape);
        }
        foreach (var b in loader.Read())
        {
            b.Dispose();
            break;
        }
        Assert.Equal(0, loader.RunningWorkers);
    }
}
