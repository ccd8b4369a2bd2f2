using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using MaskedSiamese.Randomness;

namespace MaskedSiamese.Evaluation;

/// <summary>
/// Draws and reads the labelled subsets of the low-shot protocol. Drawn splits are class-balanced and NESTED per seed,
/// like the official ImageNet files (1 ⊂ 2 ⊂ 5 per class): for each seed, every class's training indices
/// (ascending) are shuffled once and a split takes the first k of each class, so a larger k only adds samples. The
/// shuffle is SplitMix64 seeded with the seed, classes in ascending label order, Durstenfeld's Fisher–Yates (j
/// uniform in [0, i] by rejection sampling) — a published algorithm, so the same indices can be drawn outside .NET.
/// </summary>
public static partial class LowShotSplits
{
    /// <summary>The official number of splits and their seeds.</summary>
    public static IReadOnlyList<int> DefaultSeeds { get; } = Array.AsReadOnly([0, 1, 2]);

    /// <summary>The official shot counts (1, 2, 5 per class) and the common 10.</summary>
    public static IReadOnlyList<int> DefaultShots { get; } = Array.AsReadOnly([1, 2, 5, 10]);

    /// <summary><paramref name="k"/> training indices per class, drawn with <paramref name="seed"/>
    /// (ascending).</summary>
    /// <exception cref="ArgumentException">A class has fewer than <paramref name="k"/> samples.</exception>
    public static LabelledSplit ShotsPerClass(IReadOnlyList<int> trainLabels, int k, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        var perClass = ShuffledClasses(trainLabels, seed);
        foreach (var (label, members) in perClass)
            if (members.Length < k)
                throw new ArgumentException($"class {label} has {members.Length} samples, fewer than {k}",
                    nameof(trainLabels));
        return new LabelledSplit(LabelledSplit.ShotsRegime(k), seed, k, null, Take(perClass, _ => k));
    }

    /// <summary>
    /// <paramref name="percent"/>% of every class (rounded to nearest, at least 1), drawn with <paramref name="seed"/>
    /// from the same per-class order as <see cref="ShotsPerClass"/>, so it contains every k-shot split of that seed
    /// with k up to its size.
    /// </summary>
    public static LabelledSplit Percentage(IReadOnlyList<int> trainLabels, double percent, int seed)
    {
        if (!(percent > 0 && percent <= 100))
            throw new ArgumentOutOfRangeException(nameof(percent), percent, "percent must be in (0, 100]");
        var perClass = ShuffledClasses(trainLabels, seed);
        return new LabelledSplit(LabelledSplit.PercentRegime(percent), seed, null, percent,
            Take(perClass, n => Math.Max(1, (int)Math.Round(n * percent / 100, MidpointRounding.AwayFromZero))));
    }

    /// <summary>The split holding every training index.</summary>
    public static LabelledSplit All(int trainCount) =>
        new(LabelledSplit.AllRegime, 0, null, 100, Enumerable.Range(0, trainCount).ToArray());

    /// <summary>Every (shots or percentage) × seed split, shots first, in the order given.</summary>
    public static IReadOnlyList<LabelledSplit> Draw(IReadOnlyList<int> trainLabels, IEnumerable<int>? shots = null,
        IEnumerable<double>? percents = null, IEnumerable<int>? seeds = null)
    {
        var seedList = (seeds ?? DefaultSeeds).ToArray();
        var splits = new List<LabelledSplit>();
        foreach (int k in shots ?? DefaultShots)
            splits.AddRange(seedList.Select(s => ShotsPerClass(trainLabels, k, s)));
        foreach (double p in percents ?? [])
            splits.AddRange(seedList.Select(s => Percentage(trainLabels, p, s)));
        return splits;
    }

    /// <summary>
    /// Reads splits stored as JSON: <c>{"splits": {"seed0_k1": [indices…], "seed1_pct1": […], …}}</c> (the format
    /// of <c>fmnist-lowshot-splits.json</c>); <c>seed{S}_k{K}</c> and <c>seed{S}_pct{P}</c> keys are parsed, any other
    /// key becomes a regime of its own with seed 0. Indices are 0-based into the training set.
    /// </summary>
    public static IReadOnlyList<LabelledSplit> ReadJson(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        // System.Text.Json throws InvalidOperationException, not JsonException, when a name it has parsed holds
        // invalid UTF-8 and is read: refuse such text before parsing.
        if (!System.Text.Unicode.Utf8.IsValid(bytes)) throw new InvalidDataException($"{path}: not valid UTF-8 text");
        using var doc = JsonDocument.Parse(bytes);
        // TryGetProperty throws InvalidOperationException on a root that is not an object (a number, an array).
        if (doc.RootElement.ValueKind != JsonValueKind.Object
            || !doc.RootElement.TryGetProperty("splits", out var splits) || splits.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{path}: no \"splits\" object");
        var result = new List<LabelledSplit>();
        foreach (var entry in splits.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Array)
                throw new InvalidDataException($"{path}: splits.{entry.Name} is not an array of indices");
            var indices = entry.Value.EnumerateArray()
                .Select(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int i) && i >= 0
                    ? i
                    : throw new InvalidDataException($"{path}: splits.{entry.Name} holds {e}, not a training index"))
                .Order().ToArray();
            result.Add(FromKey(path, entry.Name, indices));
        }
        return result;
    }

    // seed{S}_k{K} and seed{S}_pct{P} as the split they name; any other key is a regime of its own with seed 0.
    private static LabelledSplit FromKey(string path, string key, int[] indices)
    {
        var m = KeyPattern().Match(key);
        if (!m.Success) return new LabelledSplit(key, 0, null, null, indices);
        if (!int.TryParse(m.Groups["seed"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int seed))
            throw new InvalidDataException($"{path}: splits.{key}: seed {m.Groups["seed"].Value} is out of range (at " +
                $"most {int.MaxValue})");
        double amount = double.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
        if (m.Groups["kind"].Value == "k")
        {
            return amount >= 1 && amount <= int.MaxValue && amount == Math.Floor(amount)
                ? new LabelledSplit(LabelledSplit.ShotsRegime((int)amount), seed, (int)amount, null, indices)
                : throw new InvalidDataException($"{path}: splits.{key}: shots per class must be a whole number ≥ 1");
        }
        return amount > 0 && amount <= 100
            ? new LabelledSplit(LabelledSplit.PercentRegime(amount), seed, null, amount, indices)
            : throw new InvalidDataException($"{path}: splits.{key}: the percentage must be in (0, 100]");
    }

    /// <summary>
    /// Reads an official ImageNet subset list (one image file name per line, e.g. <c>n01440764_10026.JPEG</c>) and maps
    /// the names to indices through <paramref name="trainNames"/>, the caller's training images in index order (paths
    /// are matched by file name).
    /// </summary>
    /// <param name="path">The list file, e.g. <c>imagenet_subsets1/5imgs_class.txt</c>.</param>
    /// <param name="trainNames">The training images' names or paths, in index order.</param>
    /// <param name="regime">Regime name (default: the file name without extension).</param>
    /// <param name="seed">The split number to record.</param>
    /// <exception cref="InvalidDataException">A listed name is not among <paramref name="trainNames"/>.</exception>
    public static LabelledSplit ReadSubsetList(string path, IReadOnlyList<string> trainNames, string? regime = null,
        int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(trainNames);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < trainNames.Count; i++) index.TryAdd(Path.GetFileName(trainNames[i]), i);
        var indices = new List<int>();
        foreach (string line in File.ReadLines(path))
        {
            string name = Path.GetFileName(line.Trim());
            if (name.Length == 0) continue;
            if (!index.TryGetValue(name, out int i))
                throw new InvalidDataException($"{path}: '{name}' is not among the {trainNames.Count} training images");
            indices.Add(i);
        }
        return new LabelledSplit(regime ?? Path.GetFileNameWithoutExtension(path), seed, null, null,
            indices.Distinct().Order().ToArray());
    }

    private static List<(int Label, int[] Members)> ShuffledClasses(IReadOnlyList<int> labels, int seed)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var rng = new SplitMix64(unchecked((ulong)seed));
        var perClass = new List<(int, int[])>();
        foreach (var group in Enumerable.Range(0, labels.Count).GroupBy(i => labels[i]).OrderBy(g => g.Key))
        {
            var members = group.ToArray();
            rng.Shuffle(members);
            perClass.Add((group.Key, members));
        }
        return perClass;
    }

    private static int[] Take(List<(int Label, int[] Members)> perClass, Func<int, int> count) =>
        perClass.SelectMany(c => c.Members.Take(count(c.Members.Length))).Order().ToArray();

    [GeneratedRegex(@"^seed(?<seed>\d+)_(?<kind>k|pct)(?<n>\d+(\.\d+)?)$")]
    private static partial Regex KeyPattern();
}
