using MaskedSiamese.Evaluation;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.Evaluation;

public sealed class LowShotProtocolTests(ITestOutputHelper output)
{
    [Fact]
    public void Feature_sets_are_evaluated_on_the_same_splits_and_summarised_per_regime()
    {
        using var scope = torch.NewDisposeScope();
        var (train, trainLabels, test, testLabels) = TrainTest(separation: 4);
        using var draws9 = new Generator(9);
        var noise = torch.randn(train.shape[0], 6, generator: draws9);
        using var draws10 = new Generator(10);
        var noiseTest = torch.randn(test.shape[0], 6, generator: draws10);
        var options = new LowShotProtocolOptions
        {
            Shots = [1, 2, 5],
            Seeds = [0, 1, 2],
            IncludeAllLabels = true,
            IncludeKnn = true,
        };

        var log = new StringWriter();
        var report = LowShotProtocol.Run(
            [FeatureSet.Of("clusters", train, trainLabels, test, testLabels),
                FeatureSet.Of("noise", noise, trainLabels, noiseTest, testLabels)],
            options, log);

        output.WriteLine(log.ToString());
        output.WriteLine(LowShotTable.Format(report));
        Assert.Equal(["clusters", "noise"], report.FeatureSets.Select(f => f.Name));
        foreach (var set in report.FeatureSets)
        {
            Assert.Equal(["1/class", "2/class", "5/class", "all"], set.Summaries.Select(s => s.Regime));
            Assert.Equal(10, set.Runs.Count);
            var five = set.Runs.Where(r => r.Regime == "5/class").Select(r => r.Accuracy).ToArray();
            var summary = set.Summaries.Single(s => s.Regime == "5/class");
            Assert.Equal(five.Average(), summary.Mean, 12);
            double sampleStd = Math.Sqrt(five.Sum(a =>
                (a - five.Average()) * (a - five.Average())) / (five.Length - 1));
            Assert.Equal(sampleStd, summary.Std, 12);
            Assert.Equal([LogisticRegressionOptions.DefaultLambda], summary.Lambdas);
            Assert.Equal(20, set.Runs.Single(r => r.Regime == "5/class" && r.Seed == 2).Labelled);
        }
        Assert.True(report.FeatureSets[0].Summaries[2].Mean > report.FeatureSets[1].Summaries[2].Mean + 0.2);
        Assert.True(report.FeatureSets[0].KnnAccuracy > 0.8);
    }

    [Fact]
    public void Given_splits_reproduce_the_drawn_ones_and_the_report_round_trips_through_json()
    {
        using var scope = torch.NewDisposeScope();
        var (train, trainLabels, test, testLabels) = TrainTest(separation: 2);
        var sets = new[] { FeatureSet.Of("clusters", train, trainLabels, test, testLabels) };
        var drawn = LowShotProtocol.Run(sets, new LowShotProtocolOptions { Shots = [2], Seeds = [4, 5] });

        var given = LowShotProtocol.Run(sets, new LowShotProtocolOptions
        {
            GivenSplits = LowShotSplits.Draw(trainLabels, [2], [], [4, 5]),
        });
        string json = drawn.ToJson();
        var back = LowShotReport.FromJson(json);

        Assert.Equal(WithoutTimes(drawn), WithoutTimes(given));
        Assert.Equal(json, back.ToJson());
        Assert.Contains("\"schema\": \"maskedsiamese.lowshot/1\"", json, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => LowShotReport.FromJson(json.Replace("lowshot/1", "lowshot/0",
            StringComparison.Ordinal)));
    }

    [Fact]
    public void Cross_validated_lambda_is_used_where_a_class_has_two_labels_and_the_default_elsewhere()
    {
        using var scope = torch.NewDisposeScope();
        var (train, trainLabels, test, testLabels) = TrainTest(separation: 2);
        double[] grid = [0.01, 1, 100];

        var report = LowShotProtocol.Run([FeatureSet.Of("clusters", train, trainLabels, test, testLabels)],
            new LowShotProtocolOptions { Shots = [1, 4], Seeds = [0], CrossValidateLambda = true, LambdaGrid = grid });

        var runs = report.FeatureSets[0].Runs;
        Assert.Equal(LogisticRegressionOptions.DefaultLambda, runs.Single(r => r.Regime == "1/class").Lambda);
        Assert.Contains(runs.Single(r => r.Regime == "4/class").Lambda, grid);
    }

    [Fact]
    public void Chart_is_a_png_of_the_requested_size()
    {
        using var scope = torch.NewDisposeScope();
        var (train, trainLabels, test, testLabels) = TrainTest(separation: 2);
        var report = LowShotProtocol.Run([FeatureSet.Of("clusters", train, trainLabels, test, testLabels)],
            new LowShotProtocolOptions { Shots = [1, 2, 5], Seeds = [0, 1] });
        string path = Path.Combine(Path.GetTempPath(), $"msn-chart-{Guid.NewGuid():N}.png");

        try
        {
            AccuracyChart.SavePng(report, path, 640, 400, "toy");

            var bytes = File.ReadAllBytes(path);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
            // IHDR holds the width and height, big-endian, at bytes 16–23.
            Assert.Equal(640, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
            Assert.Equal(400, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static (Tensor Train, int[] TrainLabels, Tensor Test, int[] TestLabels) TrainTest(double separation)
    {
        var (train, trainLabels) = SyntheticData.Clusters(perClass: 50, classes: 4, dim: 6, separation, seed: 11);
        var (test, testLabels) = SyntheticData.Clusters(perClass: 25, classes: 4, dim: 6, separation, seed: 12);
        return (train, trainLabels, test, testLabels);
    }

    /// <summary>The runs without their fit times, the only fields that differ between two identical runs.</summary>
    private static SplitRun[] WithoutTimes(LowShotReport r) =>
        r.FeatureSets.SelectMany(f => f.Runs.Select(x => x with { FitSeconds = 0 })).ToArray();
}
