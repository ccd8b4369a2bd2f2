using MaskedSiamese.Evaluation;
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
    /// <param name="classes">Every row's class (−1 where unknown): <see cref="SelectionStrategy.ClassBalanced"/>
    /// reads every row's; <see cref="SelectionStrategy.Margin"/>, and density peaks from
    /// <see cref="UncertaintyFromLabels"/> labels on, those of the labelled rows; the others none.</param>
    public static IReadOnlyList<SelectedImage> Choose(Tensor features, int budget, SelectionOptions? options = null,
        IReadOnlyCollection<int>? labelled = null, IReadOnlyList<int>? classes = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        options ??= new SelectionOptions();
        options.Validate();
        int n = (int)features.shape[0];
        var taken = new HashSet<int>(labelled ?? []);
        if (taken.Any(r => r < 0 || r >= n))
            throw new ArgumentException($"a labelled row lies outside the {n} images", nameof(labelled));
        if (classes is not null && classes.Count != n)
            throw new ArgumentException($"{classes.Count} classes for {n} images", nameof(classes));
        int free = n - taken.Count;
        if (budget < 1 || budget > free)
            throw new ArgumentOutOfRangeException(nameof(budget), budget,
                $"the budget must be between 1 and the {free} unlabelled images");
        return options.Strategy switch
        {
            SelectionStrategy.Uniform => Uniform(n, budget, taken, options.Seed),
            SelectionStrategy.ClassBalanced => Balanced(n, budget, taken, classes
                ?? throw new ArgumentException("class-balanced selection needs every image's class",
                    nameof(classes)), options.Seed),
            SelectionStrategy.InRounds => InRounds(features, budget, taken, options, classes),
            SelectionStrategy.Margin => ByMargin(features, budget, taken, classes
                ?? throw new ArgumentException("margin selection needs the classes of the labelled images",
                    nameof(classes)), options),
            SelectionStrategy.Typicality => Typical(features, budget, taken, options),
            _ => Peaks(features, budget, taken, options, classes),
        };
    }

    /// <summary>The size of the next round of <see cref="SelectionStrategy.InRounds"/> (and of the label page's
    /// suggestions) when <paramref name="known"/> images are labelled or already chosen: as many again, between 10
    /// and 50. Rounds that double keep every prefix close to a cold start of its size (k-means with about as many
    /// clusters as labels), which a fixed round of 20 did not: its first 10 scored 4 points below a cold start of
    /// 10.</summary>
    public static int RoundSize(int known) => Math.Clamp(known, 10, 50);

    private static List<SelectedImage> InRounds(Tensor features, int budget, HashSet<int> taken,
        SelectionOptions options, IReadOnlyList<int>? classes)
    {
        var chosen = new List<SelectedImage>();
        var known = new HashSet<int>(taken);
        while (chosen.Count < budget)
        {
            int round = Math.Min(RoundSize(known.Count), (int)features.shape[0] - known.Count);
            var picks = Peaks(features, round, known, options, classes);
            foreach (var pick in picks.Take(budget - chosen.Count))
            {
                chosen.Add(pick);
                known.Add(pick.Row);
            }
            if (chosen.Count < budget) known.UnionWith(picks.Select(p => p.Row));
        }
        return chosen;
    }

    private static List<SelectedImage> Uniform(int n, int budget, HashSet<int> taken, long seed)
    {
        var order = Shuffled(Enumerable.Range(0, n).Where(r => !taken.Contains(r)).ToList(), seed);
        return order.Take(budget).Select(r => new SelectedImage(r, -1, 0)).ToList();
    }

    // budget / C per class, the remainder to classes in a random order; rows at random within each class.
    private static List<SelectedImage> Balanced(int n, int budget, HashSet<int> taken, IReadOnlyList<int> classes,
        long seed)
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

    /// <summary>Images that density peaks are measured among at most: a seeded sample of the unlabelled ones when there
    /// are more (20,000 take about 3 s on 2 cores, and the time grows with the square).</summary>
    public const int PeakCandidates = 20_000;

    /// <summary>Labelled images (of a known class) from which density peaks also weigh each candidate by how unsure a
    /// classifier fitted on them is of it (1 − the gap between its two most likely classes). Below that, a classifier
    /// of a few labels is too unsure everywhere to guide: on the main job's checkpoint, weighting from the tenth label
    /// lost 2 points at 20 labels (5 seeds); from the twentieth, density peaks in rounds gained 0.9 and 0.9 points at
    /// 50 and 100 labels (20 seeds; 0.9 and 0.7 on the patch-4 checkpoint).</summary>
    public const int UncertaintyFromLabels = 20;

    // Greedy density peaks, in the partially whitened space of the candidates: the image with the largest density ×
    // separation (× unsureness, once there are enough labels), where an image's separation shrinks to its distance
    // from the labelled and already chosen ones. Labelled images thus count as peaks already taken, and a cold
    // start's first b images are those of every larger budget.
    private static List<SelectedImage> Peaks(Tensor features, int budget, HashSet<int> taken,
        SelectionOptions options, IReadOnlyList<int>? classes)
    {
        var candidates = Enumerable.Range(0, (int)features.shape[0]).Where(r => !taken.Contains(r)).ToList();
        int sample = Math.Max(PeakCandidates, budget);
        if (candidates.Count > sample) candidates = [.. Shuffled(candidates, options.Seed).Take(sample).Order()];
        using var scope = NewDisposeScope();
        var original = Rows(features, candidates);
        var labelled = taken.Count > 0 ? Rows(features, [.. taken.Order()]) : null;
        using var space = new PartialWhitening(labelled is null ? original : cat([original, labelled]));
        var rows = space.Apply(original);
        var peaks = DensityPeaks.Of(rows, options.Neighbours);
        var separation = (double[])peaks.Separation.Clone();
        var weight = Unsureness(features, taken, classes, original);   // the classifier reads the features as given
        if (labelled is not null) Shorten(separation, rows, space.Apply(labelled));
        var chosen = new List<SelectedImage>();
        var used = new bool[candidates.Count];
        double Score(int i) => peaks.Density[i] * separation[i] * (weight?[i] ?? 1);
        while (chosen.Count < budget)
        {
            int pick = -1;
            for (int i = 0; i < used.Length; i++)
                if (!used[i] && (pick < 0 || Score(i) > Score(pick))) pick = i;
            used[pick] = true;
            chosen.Add(new SelectedImage(candidates[pick], -1, peaks.Density[pick]));
            Shorten(separation, rows, rows.narrow(0, pick, 1));
        }
        return chosen;
    }

    // separation[i] = min(separation[i], distance from row i to the nearest of others).
    private static void Shorten(double[] separation, Tensor rows, Tensor others)
    {
        using var scope = NewDisposeScope();
        const long block = 4096;
        for (long start = 0; start < others.shape[0]; start += block)
        {
            var nearest = cdist(rows, others.narrow(0, start, Math.Min(block, others.shape[0] - start))).min(1).values
                .to_type(ScalarType.Float64).data<double>().ToArray();
            for (int i = 0; i < separation.Length; i++) separation[i] = Math.Min(separation[i], nearest[i]);
        }
    }

    /// <summary>Clusters smaller than this are outliers, not modes of the data (TypiClust's minimum).</summary>
    public const int MinClusterSize = 5;

    private static List<SelectedImage> Typical(Tensor features, int budget, HashSet<int> taken,
        SelectionOptions options)
    {
        using var generator = new Generator((ulong)options.Seed);
        return Clustered(features, budget, taken, options, members =>
        {
            using var rows = Rows(features, members);
            return Typicality.Of(rows, options.Neighbours, options.ReferenceSample, generator);
        });
    }

    // Cluster-margin: the clusters are visited as by typicality; each gives the image its classifier is least sure
    // of (smallest gap between the two most likely classes), scored 1 − margin.
    private static List<SelectedImage> ByMargin(Tensor features, int budget, HashSet<int> taken,
        IReadOnlyList<int> classes, SelectionOptions options)
    {
        var labelled = taken.Where(r => classes[r] >= 0).Order().ToArray();
        var margin = Margins(features, labelled, classes, features);
        if (margin is null) return Typical(features, budget, taken, options);   // nothing to be unsure about yet
        return Clustered(features, budget, taken, options, members => members.Select(r => 1 - margin[r]).ToArray());
    }

    // 1 − margin for each of rows, once UncertaintyFromLabels labelled images span two classes; else null.
    private static double[]? Unsureness(Tensor features, HashSet<int> taken, IReadOnlyList<int>? classes, Tensor rows)
    {
        if (classes is null) return null;
        var labelled = taken.Where(r => classes[r] >= 0).Order().ToArray();
        if (labelled.Length < UncertaintyFromLabels) return null;
        return Margins(features, labelled, classes, rows)?.Select(m => 1 - m).ToArray();
    }

    // The gap between the two most likely classes of each of rows, by a logistic regression fitted on the labelled
    // rows of features; null when they hold fewer than two classes.
    private static double[]? Margins(Tensor features, int[] labelled, IReadOnlyList<int> classes, Tensor rows)
    {
        var present = labelled.Select(r => classes[r]).Distinct().Order().ToArray();
        if (present.Length < 2) return null;
        using var scope = NewDisposeScope();
        using var index = tensor(labelled.Select(r => (long)r).ToArray());
        var model = MultinomialLogisticRegression.Fit(features.index_select(0, index).to(float64),
            labelled.Select(r => Array.IndexOf(present, classes[r])).ToArray(), present.Length);
        var top = model.Logits(rows.to(float64)).softmax(1).topk(2, 1).values;
        return (top[.., 0] - top[.., 1]).data<double>().ToArray();
    }

    // k-means into (labelled + budget) clusters; the cluster with the fewest labelled (and chosen) images, the
    // largest first, gives its best-scored image not yet labelled; fewer clusters than the budget are visited again
    // in the same order.
    private static List<SelectedImage> Clustered(Tensor features, int budget, HashSet<int> taken,
        SelectionOptions options, Func<List<int>, double[]> score)
    {
        int n = (int)features.shape[0];
        int k = Math.Min(n, taken.Count + budget);
        var cluster = KMeans.Cluster(features, k, options.Seed);
        var members = new List<int>[k];
        for (int c = 0; c < k; c++) members[c] = [];
        for (int r = 0; r < n; r++) members[cluster[r]].Add(r);
        // Clusters of fewer than MinClusterSize images are outliers (TypiClust), unless there is nothing else.
        var eligible = Enumerable.Range(0, k).Where(c => members[c].Count >= MinClusterSize).ToList();
        if (eligible.Count == 0) eligible = Enumerable.Range(0, k).ToList();
        var covered = eligible.ToDictionary(c => c, c => members[c].Count(taken.Contains));
        var left = eligible.ToDictionary(c => c, c => members[c].Count - covered[c]);   // unlabelled, not yet chosen
        var scores = new Dictionary<int, double[]>();
        var chosen = new List<SelectedImage>();
        var used = new HashSet<int>(taken);
        while (chosen.Count < budget)
        {
            var open = eligible.Where(c => left[c] > 0).ToList();
            if (open.Count == 0) break;
            int best = open.OrderBy(c => covered[c]).ThenByDescending(c => members[c].Count).ThenBy(c => c).First();
            if (!scores.TryGetValue(best, out var values)) scores[best] = values = score(members[best]);
            int pick = -1;
            for (int i = 0; i < values.Length; i++)
                if (!used.Contains(members[best][i]) && (pick < 0 || values[i] > values[pick])) pick = i;
            chosen.Add(new SelectedImage(members[best][pick], best, values[pick]));
            used.Add(members[best][pick]);
            covered[best]++;
            left[best]--;
        }
        // Only outlier clusters left unvisited: the rest at random.
        if (chosen.Count < budget) chosen.AddRange(Uniform(n, budget - chosen.Count, used, options.Seed));
        return chosen;
    }

    private static Tensor Rows(Tensor features, List<int> rows)
    {
        using var index = tensor(rows.Select(r => (long)r).ToArray());
        using var selected = features.index_select(0, index);
        return selected.to_type(ScalarType.Float32, copy: true);
    }

    private static List<int> Shuffled(List<int> items, long seed)
    {
        var array = items.ToArray();
        FisherYates.Shuffle(array.AsSpan(), new SplitMix64(unchecked((ulong)seed)));
        return [.. array];
    }
}
