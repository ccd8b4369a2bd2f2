using MaskedSiamese.Randomness;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Evaluation;

/// <summary>
/// Chooses λ by stratified k-fold cross-validation on the labelled subset alone: the official code publishes no λ per
/// split (msn#14) and its README value is off by 30× for 1% (msn#11), so a sweep is the honest default. The test set
/// is never an argument here, so it cannot leak into the choice.
/// </summary>
public static class LambdaSearch
{
    /// <summary>λ grid of half decades from 1e-4 to 1e1 (the official values 0.0025–0.075 lie inside): the grid for
    /// up to <see cref="SmallSetSize"/> labelled samples; larger sets extend it downwards
    /// (<see cref="GridFor"/>).</summary>
    public static IReadOnlyList<double> DefaultGrid { get; } = HalfDecades(-4);

    /// <summary>Labelled samples up to which <see cref="GridFor"/> is <see cref="DefaultGrid"/>.</summary>
    public const int SmallSetSize = 100;

    /// <summary>
    /// The default grid for <paramref name="samples"/> labelled samples: half decades from 1e-4·(100/n), rounded down
    /// to a half decade, to 1e1. The objective sums the cross-entropy over the samples, so the λ that pays falls as
    /// they grow (all 60k Fashion-MNIST labels: about 1e-6, worth 2 points over 1e-4), while on a few labels per class
    /// cross-validation judges on a handful of images and picks a near-zero λ by chance (1e-4 to 1e-6 offered at 10
    /// per class cost 2.3 points).
    /// </summary>
    public static IReadOnlyList<double> GridFor(int samples)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samples);
        if (samples <= SmallSetSize) return DefaultGrid;
        double lowest = Math.Log10(1e-4 * SmallSetSize / samples);
        return HalfDecades(Math.Floor(2 * lowest) / 2);
    }

    private static System.Collections.ObjectModel.ReadOnlyCollection<double> HalfDecades(double lowestExponent)
    {
        int count = (int)Math.Round(2 * (1 - lowestExponent)) + 1;
        return Array.AsReadOnly(Enumerable.Range(0, count).Select(i => Math.Pow(10, lowestExponent + 0.5 * i))
            .ToArray());
    }

    /// <summary>
    /// Scores every λ of <paramref name="grid"/> by stratified cross-validation: each class's samples are shuffled
    /// with <paramref name="seed"/> and dealt round-robin to the folds, so every fold holds every class whenever the
    /// class has at least as many samples as there are folds.
    /// </summary>
    /// <param name="features">Labelled features [n, D], already preprocessed.</param>
    /// <param name="labels">n labels in [0, <paramref name="numClasses"/>).</param>
    /// <param name="numClasses">C.</param>
    /// <param name="grid">Candidate λ values (default <see cref="GridFor"/> the number of samples).</param>
    /// <param name="folds">Requested folds; reduced to the smallest class size (which must be ≥ 2).</param>
    /// <param name="seed">Seed of the fold assignment.</param>
    /// <param name="options">Solver settings; its λ is replaced by each grid value.</param>
    public static LambdaSearchResult CrossValidate(Tensor features, IReadOnlyList<int> labels, int numClasses,
        IReadOnlyList<double>? grid = null, int folds = 5, int seed = 0, LogisticRegressionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        grid ??= GridFor(labels.Count);
        if (grid.Count == 0) throw new ArgumentException("empty λ grid", nameof(grid));
        options ??= new LogisticRegressionOptions();
        var y = MultinomialLogisticRegression.CheckLabels(features, labels, numClasses);
        int smallest = y.GroupBy(l => l).Min(g => g.Count());
        if (smallest < 2)
            throw new ArgumentException("cross-validation needs at least 2 labelled samples of every class",
                nameof(labels));
        folds = Math.Min(folds, smallest);
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);

        var fold = AssignFolds(y, folds, seed);
        var accuracy = new double[grid.Count];
        var loss = new double[grid.Count];
        for (int f = 0; f < folds; f++)
        {
            using var scope = torch.NewDisposeScope();
            var trainRows = Enumerable.Range(0, y.Length).Where(i => fold[i] != f).ToArray();
            var validRows = Enumerable.Range(0, y.Length).Where(i => fold[i] == f).ToArray();
            var trainX = features.index_select(0, torch.tensor(trainRows.Select(i => (long)i).ToArray()));
            var validX = features.index_select(0, torch.tensor(validRows.Select(i => (long)i).ToArray()));
            var trainY = trainRows.Select(i => y[i]).ToArray();
            var validY = validRows.Select(i => y[i]).ToArray();
            var validYt = torch.tensor(validY.Select(l => (long)l).ToArray());
            for (int g = 0; g < grid.Count; g++)
            {
                var model = MultinomialLogisticRegression.Fit(trainX, trainY, numClasses,
                    options with { Lambda = grid[g] });
                using var logits = model.Logits(validX);
                accuracy[g] += EvaluationMath.Accuracy(model.Predict(validX), validY) / folds;
                using var ce = torch.nn.functional.cross_entropy(logits.to(float64), validYt);
                loss[g] += ce.item<double>() / folds;
            }
        }
        var scores = grid.Select((l, g) => new LambdaScore(l, accuracy[g], loss[g])).ToArray();
        var best = scores.OrderByDescending(s => s.MeanAccuracy).ThenBy(s => s.MeanLoss).First();
        return new LambdaSearchResult(best.Lambda, folds, scores);
    }

    private static int[] AssignFolds(int[] labels, int folds, int seed)
    {
        var fold = new int[labels.Length];
        var rng = new SplitMix64(unchecked((ulong)seed));
        foreach (var group in labels.Select((l, i) => (l, i)).GroupBy(p => p.l).OrderBy(g => g.Key))
        {
            var members = group.Select(p => p.i).ToArray();
            rng.Shuffle(members);
            for (int j = 0; j < members.Length; j++) fold[members[j]] = j % folds;
        }
        return fold;
    }
}
