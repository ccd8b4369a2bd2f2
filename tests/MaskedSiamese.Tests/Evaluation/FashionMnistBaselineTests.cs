using System.Diagnostics;
using MaskedSiamese.Evaluation;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.Evaluation;

/// <summary>The raw-pixel baselines of benchmarks.md, reproduced with all 60k labels.</summary>
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
    public void All_label_fit_time_on_a_192_dimensional_projection_is_reported()
    {
        using var scope = torch.NewDisposeScope();
        var generator = new Generator(0);
        var projection = torch.randn(784, 192, generator: generator) / Math.Sqrt(784);
        var train = FeaturePreprocessing.CenterAndNormalize(data.TrainPixels.mm(projection));
        var test = FeaturePreprocessing.CenterAndNormalize(data.TestPixels.mm(projection));

        var model = MultinomialLogisticRegression.Fit(train, data.TrainLabels, 10);

        output.WriteLine($"60k × 192 random projection of pixels: test accuracy {model.Accuracy(test, data.TestLabels):P2}; " +
            $"{model.FitInfo}");
    }
}
