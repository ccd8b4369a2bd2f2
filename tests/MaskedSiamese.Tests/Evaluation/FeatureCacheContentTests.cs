using MaskedSiamese.Checkpoints;
using MaskedSiamese.Data.Augmentation;
using MaskedSiamese.Evaluation;
using MaskedSiamese.Tests.Data;
using SkiaSharp;
using TorchSharp;

namespace MaskedSiamese.Tests.Evaluation;

/// <summary>
/// Issue 16, item 10: the feature cache key follows the images' content (paths, labels, sizes, modification times),
/// and any cache entry that cannot be read as a feature table is a miss, recomputed and overwritten.
/// </summary>
public sealed class FeatureCacheContentTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-cache-content-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Folder()
    {
        string root = Path.Combine(_dir, "data");
        foreach (var (split, cls, size) in new[] { ("train", "a", 8), ("train", "b", 12), ("val", "a", 8),
            ("val", "b", 12) })
        {
            string d = Path.Combine(root, split, cls);
            Directory.CreateDirectory(d);
            TestImageFiles.WriteSkia(Path.Combine(d, "x.png"), size, size, new SKColor(9, 9, 9),
                SKEncodedImageFormat.Png);
        }
        return root;
    }

    [Fact]
    public void Swapping_two_class_folders_or_touching_an_image_changes_the_key()
    {
        string root = Folder();
        string before = EvaluationData.Open(root).TrainIdentity;
        Assert.Equal(before, EvaluationData.Open(root).TrainIdentity);

        string train = Path.Combine(root, "train");
        Directory.Move(Path.Combine(train, "a"), Path.Combine(train, "tmp"));
        Directory.Move(Path.Combine(train, "b"), Path.Combine(train, "a"));
        Directory.Move(Path.Combine(train, "tmp"), Path.Combine(train, "b"));
        string swapped = EvaluationData.Open(root).TrainIdentity;
        Assert.NotEqual(before, swapped);

        File.SetLastWriteTimeUtc(Path.Combine(train, "a", "x.png"),
            new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        Assert.NotEqual(swapped, EvaluationData.Open(root).TrainIdentity);
    }

    [Theory]
    [InlineData("float64 features")]
    [InlineData("int32 indices")]
    [InlineData("garbage")]
    [InlineData("rows mismatch")]
    public void An_unreadable_cache_entry_is_a_miss_and_is_overwritten(string damage)
    {
        var cache = new FeatureCache(Path.Combine(_dir, "cache"));
        string[] parts = ["checkpoint sha256 abc", FeatureCache.Describe(EvalTransform.FashionMnistDefaults), "train"];
        string path = cache.PathOf(FeatureCache.Key(parts));
        Directory.CreateDirectory(cache.Directory);
        if (damage == "garbage")
        {
            File.WriteAllText(path, "not a safetensors file");
        }
        else
        {
            using var features = torch.zeros(3, 2, dtype: damage == "float64 features" ? torch.float64 : torch.float32);
            using var rows = (damage == "rows mismatch" ? 2 : 3).ToScalar();
            using var indices = torch.arange(rows,
                dtype: damage == "int32 indices" ? torch.int32 : torch.int64);
            using var labels = torch.zeros(3, dtype: torch.int64);
            using var dropped = torch.zeros(0, dtype: torch.int64);
            SafetensorsFile.Write(path,
                [new("features", features), new("indices", indices), new("labels", labels), new("dropped", dropped)],
                new Dictionary<string, string>());
        }
        int computed = 0;
        FeatureTable Compute()
        {
            computed++;
            return FeatureTable.Of(torch.ones(3, 2, dtype: torch.float32), [0, 1, 2]);
        }

        using var first = cache.GetOrCreate(parts, Compute);
        using var second = cache.GetOrCreate(parts, Compute);

        Assert.Equal(1, computed);
        Assert.Equal((1, 1), (cache.Hits, cache.Misses));
        Assert.Equal(1f, second.Features[0, 0].item<float>());
    }
}
