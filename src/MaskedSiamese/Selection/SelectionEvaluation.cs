using MaskedSiamese.Checkpoints;
using MaskedSiamese.Evaluation;
using MaskedSiamese.Randomness;
using static TorchSharp.torch;

namespace MaskedSiamese.Selection;

/// <summary>
/// A simulated labeller: for each seed, a random pool of training images; each strategy chooses each budget's images
/// from it, the true labels of those are "given", and a logistic regression fitted on them is scored on the test
/// images. Every feature set is prepared as <c>msn fit</c> reads features (centred, L2-normalised) and selects in its
/// own space; all see the same pools.
/// </summary>
public static class SelectionEvaluation
{
    /// <summary>Scores every (feature set, strategy, budget) over the seeds.</summary>
    /// <param name="sets">Aligned feature sets with labelled train and test tables.</param>
    /// <param name="options">Budgets, strategies, seeds, pool, λ.</param>
    /// <param name="log">Receives a line per feature set and seed.</param>
    public static IReadOnlyList<SelectionScore> Run(IReadOnlyList<FeatureSet> sets,
        SelectionEvaluationOptions? options = null, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(sets);
        options ??= new SelectionEvaluationOptions();
        options.Validate();
        var scores = new List<SelectionScore>();
        foreach (var set in sets)
        {
            var trainLabels = set.Train.Labels;
            int classes = Math.Max(trainLabels.Max(), set.Test.Labels.Max()) + 1;
            int poolSize = Math.Min(options.PoolSize, set.Train.Count);
            var budgets = options.FitBudgetsToPool
                ? options.Budgets.Where(b => b <= poolSize).ToList()
                : options.Budgets;
            if (budgets.Count > 0 && budgets.Max() > poolSize)
                throw new ArgumentException($"--budgets {budgets.Max()}: more than the pool of {poolSize} images");
            using var scope = NewDisposeScope();
            var train = FeaturePreprocessing.CenterAndNormalize(set.Train.Features);
            var test = FeaturePreprocessing.CenterAndNormalize(set.Test.Features);
            var accuracies = new Dictionary<(SelectionStrategy, int), List<double>>();
            for (int seed = 0; seed < options.Seeds; seed++)
            {
                int[] pool = Pool(set.Train.Count, options.PoolSize, seed);
                using var poolIndex = tensor(pool.Select(r => (long)r).ToArray());
                var poolFeatures = train.index_select(0, poolIndex);
                var poolLabels = pool.Select(r => trainLabels[r]).ToArray();
                foreach (var strategy in options.Strategies)
                {
                    // Greedy density peaks give a smaller budget the first images of a larger one: one choice serves
                    // every budget.
                    var longest = strategy == SelectionStrategy.DensityPeaks && budgets.Count > 0
                        ? Choose(poolFeatures, budgets.Max(), strategy, poolLabels, seed)
                        : null;
                    foreach (int budget in budgets)
                    {
                        var chosen = longest?.Take(budget).ToList()
                            ?? Choose(poolFeatures, budget, strategy, poolLabels, seed);
                        double accuracy = Score(train, test, chosen.Select(r => pool[r]).ToArray(), trainLabels,
                            set.Test.Labels, classes, options.Lambda);
                        (accuracies.TryGetValue((strategy, budget), out var list)
                            ? list
                            : accuracies[(strategy, budget)] = [])
                            .Add(accuracy);
                    }
                }
                log?.WriteLine($"selection: {set.Name} seed {seed} done");
            }
            foreach (var strategy in options.Strategies)
                foreach (int budget in budgets)
                    scores.Add(new SelectionScore(set.Name, strategy, budget, accuracies[(strategy, budget)]));
        }
        return scores;
    }

    /// <summary>
    /// Extracts the features of <paramref name="checkpointPath"/>'s target encoder and of raw pixels on the labelled
    /// data of <paramref name="extraction"/> (through the feature cache, as <c>msn eval lowshot</c>) and scores the
    /// strategies on both.
    /// </summary>
    /// <param name="checkpointPath">Ours (.safetensors) or an official .pth.tar.</param>
    /// <param name="extraction">Data, features, baselines, cache (its low-shot settings are not used).</param>
    /// <param name="options">Budgets, strategies, seeds, pool, λ.</param>
    /// <param name="log">Receives progress lines and one line per unreadable image, if given.</param>
    /// <param name="cancellation">Stops feature extraction between batches.</param>
    public static IReadOnlyList<SelectionScore> RunOnCheckpoint(string checkpointPath,
        LowShotEvaluationOptions extraction, SelectionEvaluationOptions? options = null, TextWriter? log = null,
        CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(checkpointPath);
        ArgumentNullException.ThrowIfNull(extraction);
        (options ?? new SelectionEvaluationOptions()).Validate();
        var data = EvaluationData.Open(extraction.Data, log);
        using var checkpoint = MsnCheckpoint.LoadAny(checkpointPath, extraction.NumHeads);
        var eval = extraction.ResolveTransform(checkpoint);
        var sets = LowShotEvaluation.ExtractAll(checkpoint, FeatureCache.HashFile(checkpointPath), data, eval,
            extraction, extraction.Baselines, randomEncoder: false, log, cancellation);
        try
        {
            if (sets[0].Train.Labels.Any(l => l < 0) || sets[0].Test.Labels.Any(l => l < 0))
                throw new InvalidDataException($"{extraction.Data}: the selection evaluation needs labelled train " +
                    $"and test images (class subfolders)");
            return Run(sets, options, log);
        }
        finally
        {
            foreach (var set in sets) set.Dispose();
        }
    }

    // Margin is scored as a labeller meets it: a typicality cold start, then rounds whose answers the next round sees.
    private static List<int> Choose(Tensor pool, int budget, SelectionStrategy strategy, int[] poolLabels, int seed)
    {
        if (strategy != SelectionStrategy.Margin)
            return [.. LabelSelection.Choose(pool, budget, new SelectionOptions { Strategy = strategy, Seed = seed },
                classes: poolLabels)
                .Select(c => c.Row)];
        var chosen = new List<int>();
        while (chosen.Count < budget)
        {
            var round = new SelectionOptions
            {
                Strategy = chosen.Count == 0 ? SelectionStrategy.Typicality : strategy,
                Seed = seed,
            };
            var picks = LabelSelection.Choose(pool,
                Math.Min(LabelSelection.RoundSize(chosen.Count), (int)pool.shape[0] - chosen.Count), round, chosen,
                poolLabels);
            chosen.AddRange(picks.Take(budget - chosen.Count).Select(p => p.Row));
        }
        return chosen;
    }

    private static int[] Pool(int count, int size, int seed)
    {
        var rows = Enumerable.Range(0, count).ToArray();
        if (size >= count) return rows;
        FisherYates.Shuffle(rows.AsSpan(), new SplitMix64(0x5E1EC7 + (ulong)seed));
        return rows[..size];
    }

    private static double Score(Tensor train, Tensor test, int[] rows, IReadOnlyList<int> trainLabels,
        IReadOnlyList<int> testLabels, int classes, double lambda)
    {
        using var scope = NewDisposeScope();
        using var index = tensor(rows.Select(r => (long)r).ToArray());
        var regression = MultinomialLogisticRegression.Fit(train.index_select(0, index),
            rows.Select(r => trainLabels[r]).ToArray(), classes, new LogisticRegressionOptions { Lambda = lambda });
        return 100 * regression.Accuracy(test, testLabels);
    }
}
