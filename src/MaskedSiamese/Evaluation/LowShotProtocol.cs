using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Evaluation;

/// <summary>
/// The MSN low-shot protocol on precomputed features: for every feature set and every labelled split, preprocess
/// (per-sample centring + L2), fit the multinomial logistic regression on the split's samples only and score it on the
/// whole test set; then summarise each regime as mean ± sample std over its splits. All feature sets share the same
/// splits, so the numbers compare side by side.
/// </summary>
public static class LowShotProtocol
{
    /// <summary>Runs the protocol.</summary>
    /// <param name="featureSets">Representations to evaluate, rows aligned (train rows in training-set index order);
    /// the labels, in [0, C), are the first set's.</param>
    /// <param name="options">Splits, λ and solver (defaults: 1/2/5/10 per class × seeds 0/1/2, λ 0.0025).</param>
    /// <param name="log">Receives one line per finished run (progress), if given.</param>
    public static LowShotReport Run(IReadOnlyList<FeatureSet> featureSets, LowShotProtocolOptions? options = null,
        TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(featureSets);
        if (featureSets.Count == 0) throw new ArgumentException("no feature sets", nameof(featureSets));
        var trainLabels = featureSets[0].Train.Labels;
        var testLabels = featureSets[0].Test.Labels;
        options ??= new LowShotProtocolOptions();
        int classes = Math.Max(EvaluationMath.ClassCount(trainLabels), EvaluationMath.ClassCount(testLabels));
        var splits = (options.GivenSplits ?? LowShotSplits.Draw(trainLabels, options.Shots, options.Percents,
            options.Seeds)).ToList();
        if (options.IncludeAllLabels) splits.Add(LowShotSplits.All(trainLabels.Count));
        foreach (var split in splits)
            if (split.Indices.Any(i => (uint)i >= (uint)trainLabels.Count))
                throw new ArgumentException($"split {split.Regime} seed {split.Seed} indexes outside the training set");

        var reports = featureSets.Select(set => Evaluate(set, splits, trainLabels, testLabels, classes, options, log))
            .ToArray();
        string classifier = "multinomial logistic regression, no intercept, L2 (Σ CE + λ/2‖W‖²), L-BFGS" +
            (options.Preprocess ? "; features centred per sample and L2-normalised" : "") +
            (options.CrossValidateLambda ? "; λ by stratified cross-validation on each split" : "");
        return new LowShotReport(LowShotReport.SchemaName, classifier, classes, trainLabels.Count, testLabels.Count,
            reports);
    }

    private static FeatureSetReport Evaluate(FeatureSet set, List<LabelledSplit> splits, IReadOnlyList<int> trainLabels,
        IReadOnlyList<int> testLabels, int classes, LowShotProtocolOptions options, TextWriter? log)
    {
        ArgumentNullException.ThrowIfNull(set);
        if (set.Train.Count != trainLabels.Count || set.Test.Count != testLabels.Count)
            throw new ArgumentException($"feature set '{set.Name}': {set.Train.Count}/{set.Test.Count} rows for " +
                $"{trainLabels.Count}/{testLabels.Count} train/test labels");
        using var scope = torch.NewDisposeScope();
        var train = options.Preprocess
            ? FeaturePreprocessing.CenterAndNormalize(set.Train.Features)
            : set.Train.Features;
        var test = options.Preprocess ? FeaturePreprocessing.CenterAndNormalize(set.Test.Features) : set.Test.Features;
        var runs = new List<SplitRun>();
        foreach (var split in splits)
        {
            using var splitScope = torch.NewDisposeScope();
            var watch = Stopwatch.StartNew();
            using var rows = torch.tensor(split.Indices.Select(i => (long)i).ToArray(), device: train.device);
            var x = split.Regime == LabelledSplit.AllRegime ? train : train.index_select(0, rows);
            var y = split.Indices.Select(i => trainLabels[i]).ToArray();
            double lambda = options.Solver.Lambda;
            // The all-label fit keeps the fixed λ: a sweep there costs folds × grid full fits for a regime where λ
            // barely matters.
            if (options.CrossValidateLambda && split.Regime != LabelledSplit.AllRegime &&
                y.GroupBy(l => l).Min(g => g.Count()) >= 2)
                lambda = LambdaSearch.CrossValidate(x, y, classes, options.LambdaGrid, options.Folds, split.Seed,
                    options.Solver).BestLambda;
            var model = MultinomialLogisticRegression.Fit(x, y, classes, options.Solver with { Lambda = lambda });
            double seconds = watch.Elapsed.TotalSeconds;
            var run = new SplitRun(split.Regime, split.Seed, y.Length, lambda, model.Accuracy(test, testLabels),
                model.FitInfo.Iterations, model.FitInfo.Converged, seconds);
            runs.Add(run);
            log?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{set.Name}: {run.Regime} seed {run.Seed} ({run.Labelled} labels) λ {run.Lambda:G3}: " +
                $"{run.Accuracy:P2}, {run.Iterations} it{(run.Converged ? "" : " (not converged)")}, " +
                $"{run.FitSeconds:F1} s"));
        }
        double? knn = null;
        if (options.IncludeKnn)
        {
            knn = KnnClassifier.Accuracy(train, trainLabels, test, testLabels, classes);
            log?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{set.Name}: k-NN all labels {knn:P2}"));
        }
        return new FeatureSetReport(set.Name, set.Train.Dimension, Summarise(splits, runs), runs, knn);
    }

    private static RegimeSummary[] Summarise(List<LabelledSplit> splits, List<SplitRun> runs) =>
        runs.Zip(splits).GroupBy(p => p.First.Regime).Select(g =>
        {
            var (mean, std) = EvaluationMath.MeanStd(g.Select(p => p.First.Accuracy).ToArray());
            var first = g.First().Second;
            return new RegimeSummary(g.Key, first.ShotsPerClass, first.Percent, g.Count(), mean, std,
                g.Select(p => p.First.Lambda).Distinct().Order().ToArray(), g.Average(p => p.First.FitSeconds));
        }).ToArray();
}
