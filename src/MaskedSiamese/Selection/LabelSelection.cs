using MaskedSiamese.Randomness;
using static TorchSharp.torch;

namespace MaskedSiamese.Selection;

/// <summary>
/// Chooses which images to label next, from their features: cold start (nothing labelled) or incremental (some
/// rows already labelled). Deterministic for a seed. Features should be prepared as the classifier will read them
/// (<c>FeaturePreprocessing.CenterAndNormalize</c>, as <c>msn fit</c> does), so that distances are the classifier's.
/// </summary>
public static class LabelSelection
{
    /// <summary>Chooses <paramref name="budget"/> rows of <paramref name="features"/> [N, D] that are not in
    /// <paramref name="labelled"/>.</summary>
    /// <param name="features">One row per image.</param>
    /// <param name="budget">How many to choose; at most the number of unlabelled rows.</param>
    /// <param name="options">Strategy, seed, typicality settings.</param>
    /// <param name="labelled">Rows already labelled (none: cold start).</param>
    /// <param name="classes">Every row's true class: only <see cref="SelectionStrategy.ClassBalanced"/> reads it.</param>
    public static IReadOnlyList<SelectedImage> Choose(Tensor features, int budget, SelectionOptions? options = null,
        IReadOnlyCollection<int>? labelled = null, IReadOnlyList<int>? classes = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        options ??= new SelectionOptions();
        options.Validate();
        int n = (int)features.shape[0];
        var taken = new HashSet<int>(labelled ?? []);
        if (taken.Any(r => r < 0 || r >= n)) throw new ArgumentException($"a labelled row lies outside the {n} images", nameof(labelled));
        int free = n - taken.Count;
        if (budget < 1 || budget > free)
            throw new ArgumentOutOfRangeException(nameof(budget), budget, $"the budget must be between 1 and the {free} unlabelled images");
        return options.Strategy switch
        {
            SelectionStrategy.Uniform => Uniform(n, budget, taken, options.Seed),
            SelectionStrategy.ClassBalanced => Balanced(n, budget, taken, classes
                ?? throw new ArgumentException("class-balanced selection needs every image's class", nameof(classes)), options.Seed),
            _ => Typical(features, budget, taken, options),
        };
    }

    private static List<SelectedImage> Uniform(int n, int budget, HashSet<int> taken, long seed)
    {
        var order = Shuffled(Enumerable.Range(0, n).Where(r => !taken.Contains(r)).ToList(), seed);
        return order.Take(budget).Select(r => new SelectedImage(r, -1, 0)).ToList();
    }

    // budget / C per class, the remainder to classes in a random order; rows at random within each class.
    private static List<SelectedImage> Balanced(int n, int budget, HashSet<int> taken, IReadOnlyList<int> classes, long seed)
    {
        if (classes.Count != n) throw new ArgumentException($"{classes.Count} classes for {n} images", nameof(classes));
        var byClass = Enumerable.Range(0, n).Where(r => !taken.Contains(r)).GroupBy(r => classes[r])
            .OrderBy(g => g.Key).Select((g, i) => Shuffled(g.ToList(), seed * 1_000_003 + i)).ToList();
        var chosen = new List<int>();
        var classOrder = Shuffled(Enumerable.Range(0, byClass.Count).ToList(), seed);
        for (int round = 0; chosen.Count < budget; round++)
            foreach (int c in classOrder)
                if (chosen.Count < budget && round < byClass[c].Count) chosen.Add(byClass[c][round]);
        return chosen.Select(r => new SelectedImage(r, -1, 0)).ToList();
    }

    /// <summary>Clusters smaller than this are outliers, not modes of the data (TypiClust's minimum).</summary>
    public const int MinClusterSize = 5;

    private static List<SelectedImage> Typical(Tensor features, int budget, HashSet<int> taken, SelectionOptions options)
    {
        int n = (int)features.shape[0];
        // labelled + budget clusters (TypiClust); where outliers leave too few large enough to choose from, twice as
        // many, then small ones too.
        int first = Math.Min(n, taken.Count + budget);
        for (int attempt = 0; ; attempt++)
        {
            int k = attempt == 0 ? first : Math.Min(n, 2 * first);
            bool anySize = attempt == 2 || n < MinClusterSize * (taken.Count + budget);
            var cluster = KMeans.Cluster(features, k, options.Seed);
            var members = new List<int>[k];
            for (int c = 0; c < k; c++) members[c] = [];
            for (int r = 0; r < n; r++) members[cluster[r]].Add(r);
            // Clusters with the fewest labels first, the largest first among those: each gives its most typical image.
            var order = Enumerable.Range(0, k)
                .Select(c => (Cluster: c, Labelled: members[c].Count(taken.Contains), Size: members[c].Count))
                .Where(c => c.Size > c.Labelled && (anySize || c.Size >= MinClusterSize))
                .OrderBy(c => c.Labelled).ThenByDescending(c => c.Size).ThenBy(c => c.Cluster).ToList();
            if (order.Count >= budget || anySize) return FromClusters(features, order.Select(o => members[o.Cluster]).ToList(),
                order.Select(o => o.Cluster).ToList(), budget, taken, options);
        }
    }

    private static List<SelectedImage> FromClusters(Tensor features, List<List<int>> members, List<int> ids, int budget,
        HashSet<int> taken, SelectionOptions options)
    {
        using var generator = new Generator((ulong)options.Seed);
        var chosen = new List<SelectedImage>();
        for (int i = 0; i < Math.Min(budget, ids.Count); i++)
            chosen.Add(MostTypical(features, members[i], taken, ids[i], options, generator));
        if (chosen.Count < budget)
        {
            // Fewer clusters with unlabelled images than the budget (the unlabelled ones bunched): the rest at random.
            var skip = new HashSet<int>(taken.Concat(chosen.Select(c => c.Row)));
            chosen.AddRange(Uniform((int)features.shape[0], budget - chosen.Count, skip, options.Seed));
        }
        return chosen;
    }

    private static SelectedImage MostTypical(Tensor features, List<int> rows, HashSet<int> taken, int cluster,
        SelectionOptions options, Generator generator)
    {
        using var scope = NewDisposeScope();
        using var index = tensor(rows.Select(r => (long)r).ToArray());
        var typicality = Typicality.Of(features.index_select(0, index).to_type(ScalarType.Float32),
            options.Neighbours, options.ReferenceSample, generator);
        int best = -1;
        for (int i = 0; i < rows.Count; i++)
            if (!taken.Contains(rows[i]) && (best < 0 || typicality[i] > typicality[best])) best = i;
        return new SelectedImage(rows[best], cluster, typicality[best]);
    }

    private static List<int> Shuffled(List<int> items, long seed)
    {
        var array = items.ToArray();
        FisherYates.Shuffle(array.AsSpan(), new SplitMix64(unchecked((ulong)seed)));
        return [.. array];
    }
}
