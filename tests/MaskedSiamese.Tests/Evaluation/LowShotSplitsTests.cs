using MaskedSiamese.Data;
using MaskedSiamese.Evaluation;
using MaskedSiamese.Tests.Support;

namespace MaskedSiamese.Tests.Evaluation;

public sealed class LowShotSplitsTests
{
    private static readonly int[] TrainLabels = FashionMnist.Load(train: true).Labels.Select(b => (int)b).ToArray();

    [Fact]
    public void Drawn_splits_are_nested_class_balanced_seeded_and_inside_the_training_set()
    {
        int[] shots = [1, 2, 5, 10];
        foreach (int seed in new[] { 0, 1, 2 })
        {
            var splits = LowShotSplits.Draw(TrainLabels, shots, [1.0], [seed]);
            Assert.Equal(5, splits.Count);
            for (int s = 0; s < splits.Count; s++)
            {
                var split = splits[s];
                Assert.Equal(seed, split.Seed);
                Assert.All(split.Indices, i => Assert.InRange(i, 0, TrainLabels.Length - 1));
                Assert.Equal(split.Indices.Count, split.Indices.Distinct().Count());
                var perClass = split.Indices.GroupBy(i => TrainLabels[i]).ToDictionary(g => g.Key, g => g.Count());
                Assert.Equal(10, perClass.Count);
                Assert.All(perClass.Values, n => Assert.Equal(split.ShotsPerClass ?? 60, n));
                if (s > 0) Assert.Superset(splits[s - 1].Indices.ToHashSet(), split.Indices.ToHashSet());
            }
        }
    }

    [Fact]
    public void Same_seed_gives_the_same_indices_and_other_seeds_differ()
    {
        var a = LowShotSplits.ShotsPerClass(TrainLabels, 5, 1);
        var b = LowShotSplits.ShotsPerClass(TrainLabels, 5, 1);
        var c = LowShotSplits.ShotsPerClass(TrainLabels, 5, 2);

        Assert.Equal(a.Indices, b.Indices);
        Assert.NotEqual(a.Indices, c.Indices);
        Assert.Equal("5/class", a.Regime);
    }

    [Fact]
    public void Too_few_samples_of_a_class_is_an_error()
    {
        int[] labels = [0, 0, 0, 1, 1];

        Assert.Throws<ArgumentException>(() => LowShotSplits.ShotsPerClass(labels, 3, 0));
    }

    [Fact]
    public void Stored_fashion_mnist_splits_read_back_with_their_indices()
    {
        string path = Path.Combine(OfficialFixtures.RepositoryRoot, "..", "shared", "reference",
            "fmnist-lowshot-splits.json");

        var splits = LowShotSplits.ReadJson(path);

        Assert.Equal(12, splits.Count);
        var first = splits.Single(s => s.Seed == 0 && s.ShotsPerClass == 1);
        Assert.Equal([23957, 26316, 39374, 42918, 43279, 43851, 48779, 51876, 52804, 53521], first.Indices);
        foreach (var s in splits)
        {
            Assert.Equal(Enumerable.Range(0, 10), s.Indices.Select(i => TrainLabels[i]).Distinct().Order());
            Assert.Equal(10 * s.ShotsPerClass, s.Indices.Count);
            var smaller = splits.Where(o => o.Seed == s.Seed && o.ShotsPerClass < s.ShotsPerClass);
            Assert.All(smaller, o => Assert.Subset(s.Indices.ToHashSet(), o.Indices.ToHashSet()));
        }
    }

    [Theory]
    [InlineData("{\"splits\": {\"seed0_k\xC7\": [1]}}", "not valid UTF-8")]   // found by the fuzzing harness
    [InlineData("5", "no \"splits\" object")]   // found by msn-fuzz mutate splits: a root that is not an object
    [InlineData("[{\"splits\": {}}]", "no \"splits\" object")]
    [InlineData("{\"splits\": {\"seed99999999999_k1\": [1]}}", "seed 99999999999")]
    [InlineData("{\"splits\": {\"seed0_k99999999999\": [1]}}", "shots")]
    [InlineData("{\"splits\": {\"seed0_k1.5\": [1]}}", "shots")]
    [InlineData("{\"splits\": {\"seed0_k0\": [1]}}", "shots")]
    [InlineData("{\"splits\": {\"seed0_pct0\": [1]}}", "percentage")]
    [InlineData("{\"splits\": {\"seed0_pct250\": [1]}}", "percentage")]
    public void A_split_key_or_text_that_cannot_be_read_is_refused_naming_the_file(string json, string fragment)
    {
        // Before: invalid UTF-8 and a root that is no object escaped as InvalidOperationException and a seed past int
        // as OverflowException (exit 2 in msn eval --splits-file); a huge or fractional k was cast to a wrong int and
        // 0 or 250 % were taken as given.
        string path = Path.Combine(Path.GetTempPath(), $"msn-splits-{Guid.NewGuid():N}.json");
        File.WriteAllBytes(path, json.Select(c => (byte)c).ToArray());
        try
        {
            var e = Assert.Throws<InvalidDataException>(() => LowShotSplits.ReadJson(path));
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
            Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Official_subset_list_maps_file_names_to_indices()
    {
        string[] names = ["train/n01/n01_1.JPEG", "train/n01/n01_2.JPEG", "train/n02/n02_7.JPEG",
            "train/n02/n02_9.JPEG"];
        string path = Path.Combine(Path.GetTempPath(), $"msn-subset-{Guid.NewGuid():N}.txt");
        File.WriteAllLines(path, ["n02_9.JPEG", "n01_2.JPEG", ""]);
        try
        {
            var split = LowShotSplits.ReadSubsetList(path, names, seed: 2);

            Assert.Equal([1, 3], split.Indices);
            Assert.Equal(2, split.Seed);
            File.AppendAllLines(path, ["n03_1.JPEG"]);
            Assert.Throws<InvalidDataException>(() => LowShotSplits.ReadSubsetList(path, names));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
