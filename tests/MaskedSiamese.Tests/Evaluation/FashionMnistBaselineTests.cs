using System.Diagnostics;
using MaskedSiamese.Evaluation;
using MaskedSiamese.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.Evaluation;

/// <summary>The raw-pixel baselines of benchmarks.md, reproduced on the whole set, each held to a stated band around
/// the stored figure.</summary>
[Trait("Category", TestCategories.FullDataset)]
public sealed class FashionMnistBaselineTests(FashionMnistFeatures data, ITestOutputHelper output)
    : IClassFixture<FashionMnistFeatures>
{
    [Fact]
    public void Logistic_regression_on_pixels_with_all_labels_reaches_the_scikit_learn_accuracy()
    {
        using var train = FeaturePreprocessing.CenterAndNormalize(data.TrainPixels);
        using var test = FeaturePreprocessing.CenterAndNormalize(data.TestPixels);

        var model = MultinomialLogisticRegression.Fit(train, data.TrainLabels, 10);
        double accuracy = model.Accuracy(test, data.TestLabels);

        output.WriteLine($"pixels, all labels, λ 0.0025: test accuracy {accuracy:P2}; {model.FitInfo}");
        Assert.True(accuracy >= 0.835, $"accuracy {accuracy:P2} < 83.5% (scikit-learn L-BFGS: 83.9%)");
    }

    [Fact]
    public void Knn_on_centred_pixels_reaches_the_reference_accuracy()
    {
        using var trainMean = data.TrainPixels.mean([1], keepdim: true);
        using var testMean = data.TestPixels.mean([1], keepdim: true);
        using var train = data.TrainPixels - trainMean;
        using var test = data.TestPixels - testMean;

        var watch = Stopwatch.StartNew();
        double accuracy = KnnClassifier.Accuracy(train, data.TrainLabels, test, data.TestLabels, 10);

        output.WriteLine($"k-NN (k 20, T 0.07) on centred pixels: {accuracy:P2} in {watch.Elapsed.TotalSeconds:F1} s");
        Assert.True(accuracy >= 0.845, $"accuracy {accuracy:P2} < 84.5% (reference 85.2%)");
    }

    [Fact]
    public void All_label_fit_on_a_192_dimensional_projection_converges_near_the_pixel_accuracy()
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(0);
        using var root = Math.Sqrt(784).ToScalar();
        var projection = torch.randn(784, 192, generator: generator).div(root);
        var train = FeaturePreprocessing.CenterAndNormalize(data.TrainPixels.mm(projection));
        var test = FeaturePreprocessing.CenterAndNormalize(data.TestPixels.mm(projection));

        var model = MultinomialLogisticRegression.Fit(train, data.TrainLabels, 10);
        double accuracy = model.Accuracy(test, data.TestLabels);

        output.WriteLine($"60k × 192 random projection of pixels: test accuracy {accuracy:P2}; {model.FitInfo}");
        // The fit must converge (scikit-learn did not, after 3000 iterations: benchmarks.md), and a random projection
        // to 192 dimensions keeps most of what is linear in the pixels: within 4 points below the 83.9% of all 784
        // (measured 82.5%), never meaningfully above it.
        Assert.True(model.FitInfo.Converged, $"not converged: {model.FitInfo}");
        Assert.InRange(accuracy, 0.80, 0.845);
    }

    [Fact]
    public void Stored_splits_give_the_benchmark_table_for_pixels_and_a_random_projection()
    {
        using var scope = torch.NewDisposeScope();
        using var root = Math.Sqrt(784).ToScalar();
        using var draws0 = new Generator(0);
        var projection = torch.randn(784, 192, generator: draws0).div(root);
        var sets = new[]
        {
            FeatureSet.Of("raw pixels", data.TrainPixels, data.TrainLabels, data.TestPixels, data.TestLabels),
            FeatureSet.Of("random projection 192", data.TrainPixels.mm(projection), data.TrainLabels,
                data.TestPixels.mm(projection), data.TestLabels),
        };
        string path = Path.Combine(OfficialFixtures.RepositoryRoot, "..", "shared", "reference",
            "fmnist-lowshot-splits.json");

        var report = LowShotProtocol.Run(sets,
            new LowShotProtocolOptions { GivenSplits = LowShotSplits.ReadJson(path) });

        output.WriteLine(LowShotTable.Format(report));
        string chart = Path.Combine(Path.GetTempPath(), "msn-fmnist-lowshot.png");
        AccuracyChart.SavePng(report, chart, title: "Fashion-MNIST low-shot, official splits");
        output.WriteLine($"chart: {chart}");
        output.WriteLine("benchmarks.md, official code, raw pixels: 44.2 ± 4.6, 54.1 ± 4.2, 63.0 " +
            "± 2.5, 67.7 ± 1.0");
        var pixels = report.FeatureSets[0].Summaries;
        Assert.Equal(["1/class", "2/class", "5/class", "10/class"], pixels.Select(s => s.Regime));
        Assert.All(report.FeatureSets[0].Runs, r => Assert.True(r.Converged));
        // Same splits, same objective: the official code's cyanure means (benchmarks.md) are reproduced closely.
        double[] official = [0.442, 0.541, 0.630, 0.677];
        for (int i = 0; i < official.Length; i++)
            Assert.True(Math.Abs(pixels[i].Mean - official[i]) <= 0.005,
                $"{pixels[i].Regime}: {pixels[i].Mean:P2} vs official {official[i]:P1}");
    }

    [Fact]
    public void Cross_validated_lambda_on_the_stored_splits_stays_near_the_official_figures()
    {
        string path = Path.Combine(OfficialFixtures.RepositoryRoot, "..", "shared", "reference",
            "fmnist-lowshot-splits.json");

        var report = LowShotProtocol.Run([FeatureSet.Of("raw pixels, λ by 5-fold CV", data.TrainPixels,
            data.TrainLabels, data.TestPixels, data.TestLabels)],
            new LowShotProtocolOptions { GivenSplits = LowShotSplits.ReadJson(path), CrossValidateLambda = true });

        output.WriteLine(LowShotTable.Format(report));
        Assert.All(report.FeatureSets[0].Runs.Where(r => r.Regime != "1/class"),
            r => Assert.Contains(r.Lambda, LambdaSearch.DefaultGrid));
        // Choosing λ per split moves each mean by a few points at most from the official fixed-λ figures
        // (benchmarks.md: 44.2, 54.1, 63.0, 67.7; here 44.3, 54.8, 60.1, 67.7): a 5-point band, far above chance (10%).
        double[] official = [0.442, 0.541, 0.630, 0.677];
        var means = report.FeatureSets[0].Summaries.Select(s => s.Mean).ToArray();
        Assert.Equal(official.Length, means.Length);
        for (int i = 0; i < official.Length; i++)
            Assert.True(Math.Abs(means[i] - official[i]) <= 0.05,
                $"regime {i}: {means[i]:P2} vs official {official[i]:P1}");
    }

    [Fact]
    public void Linear_probe_on_pixels_converges_to_the_logistic_regression_accuracy()
    {
        using var train = FeaturePreprocessing.CenterAndNormalize(data.TrainPixels);
        using var test = FeaturePreprocessing.CenterAndNormalize(data.TestPixels);

        using var probe = LinearProbe.Train(train, data.TrainLabels, 10);

        double accuracy = probe.Accuracy(test, data.TestLabels);
        output.WriteLine($"{LinearProbeEvaluation.Describe("pixels", probe)}: test accuracy {accuracy:P2}; " +
            $"losses {string.Join(", ", probe.Losses.Select(l => l.ToString("F4")))}");
        // A linear model on pixels: near the converged logistic regression (benchmarks.md: 83.9%), and not above what
        // a linear model on pixels reaches at all.
        Assert.True(probe.Converged, "the probe did not converge");
        Assert.InRange(accuracy, 0.82, 0.86);
    }
}
