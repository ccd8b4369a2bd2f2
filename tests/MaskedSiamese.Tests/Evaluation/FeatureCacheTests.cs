using MaskedSiamese.Data.Augmentation;
using MaskedSiamese.Evaluation;
using TorchSharp;

namespace MaskedSiamese.Tests.Evaluation;

public sealed class FeatureCacheTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-cache-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void Second_lookup_reads_the_file_without_computing()
    {
        var cache = new FeatureCache(_dir);
        int computed = 0;
        FeatureTable Compute()
        {
            computed++;
            using var six = 6.ToScalar();
            return new FeatureTable(torch.arange(six, dtype: torch.float32).reshape(3, 2), [0, 2, 3], [1, -1, 0], [1]);
        }
        string[] key = ["checkpoint sha256 abc", FeatureCache.Describe(EvalTransform.FashionMnistDefaults), "train"];
        using var first = cache.GetOrCreate(key, Compute);
        using var second = cache.GetOrCreate(key, Compute);
        Assert.Equal(1, computed);
        Assert.Equal((1, 1), (cache.Hits, cache.Misses));
        Assert.True(first.Features.allclose(second.Features, 0, 0));
        Assert.Equal(first.Indices, second.Indices);
        Assert.Equal(first.Labels, second.Labels);
        Assert.Equal([1], second.Dropped);

        // A new process (a new cache object) finds it too.
        using var third = new FeatureCache(_dir).GetOrCreate(key, Compute);
        Assert.Equal(1, computed);
    }

    [Fact]
    public void The_key_changes_with_the_transform_and_the_checkpoint()
    {
        string a = FeatureCache.Key(["checkpoint sha256 abc",
            FeatureCache.Describe(EvalTransform.FashionMnistDefaults)]);
        string b = FeatureCache.Key(["checkpoint sha256 abc",
            FeatureCache.Describe(EvalTransform.FashionMnistDefaults with { CropSize = 28 })]);
        string c = FeatureCache.Key(["checkpoint sha256 abd",
            FeatureCache.Describe(EvalTransform.FashionMnistDefaults)]);
        string d = FeatureCache.Key(["checkpoint sha256 abc",
            FeatureCache.Describe(EvalTransform.FashionMnistDefaults with { Mean = [0.5f] })]);
        Assert.Equal(4, new[] { a, b, c, d }.Distinct().Count());
        Assert.Equal(a, FeatureCache.Key(
            ["checkpoint sha256 abc", FeatureCache.Describe(EvalTransform.FashionMnistDefaults)]));
    }

    [Fact]
    public void File_hash_is_of_the_content()
    {
        string p1 = Path.Combine(_dir, "a.bin"), p2 = Path.Combine(_dir, "b.bin");
        File.WriteAllBytes(p1, [1, 2, 3]);
        File.WriteAllBytes(p2, [1, 2, 3]);
        Assert.Equal(FeatureCache.HashFile(p1), FeatureCache.HashFile(p2));
        File.WriteAllBytes(p2, [1, 2, 4]);
        Assert.NotEqual(FeatureCache.HashFile(p1), FeatureCache.HashFile(p2));
    }
}
