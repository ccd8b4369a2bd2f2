
using MaskedSiamese.Evaluation;

namespace MaskedSiamese.Tests.Evaluation;

public sealed class LowShotEvaluationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-lowshot-eval-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void Tiny_folder_end_to_end_with_baselines_and_cache()
    {
        string checkpoint = TinySetup.WriteCheckpoint(_dir);
        string images = TinySetup.WriteImageFolder(_dir);
        var cache = new FeatureCache(Path.Combine(_dir, "cache"));
        var options = new LowShotEvaluationOptions
        {
            Data = images,
            Cache = cache,
            Protocol = new LowShotProtocolOptions { Shots = [1, 2], Seeds = [0, 1, 2] },
        };
        var log = new StringWriter();
        var result = LowShotEvaluation.Run(checkpoint, options, log);
        var lines = log.ToString().Split(Environment.NewLine);

        var report = result.Report;
        Assert.Equal([LowShotEvaluation.MsnName, LowShotEvaluation.PixelsName, LowShotEvaluation.RandomName],
            report.FeatureSets.Select(f => f.Name));
        Assert.Equal((3, 15, 9), (report.Classes, report.TrainCount, report.TestCount));
        // Only the labelled images of the 1- and 2-shot splits (10 of 15) had features extracted.
        Assert.Contains(lines, l => l.StartsWith("msn: 10 train + 9 test", StringComparison.Ordinal));
        Assert.Equal(16, report.FeatureSets[0].Dimension);
        Assert.Equal(3 * 16 * 16, report.FeatureSets[1].Dimension);   // eval-transformed pixels
        foreach (var set in report.FeatureSets)
        {
            Assert.Equal(["1/class", "2/class"], set.Summaries.Select(s => s.Regime));
            Assert.All(set.Summaries, s => Assert.Equal(3, s.Splits));
            // Each run labels k images of each of the 3 classes and scores a whole number of the 9 test images; each
            // regime's mean is the mean of its own runs.
            Assert.All(set.Runs, r => Assert.Equal(3 * (r.Regime == "1/class" ? 1 : 2), r.Labelled));
            Assert.All(set.Runs, r => Assert.Equal(Math.Round(r.Accuracy * 9), r.Accuracy * 9, 1e-9));
            Assert.All(set.Summaries, s => Assert.Equal(
                set.Runs.Where(r => r.Regime == s.Regime).Average(r => r.Accuracy), s.Mean, 1e-12));
        }
        // Solid colours per class: the pixel baseline separates them from one shot.
        Assert.True(report.FeatureSets[1].Summaries[0].Mean > 0.9);
        Assert.Equal((0, 6), (cache.Hits, cache.Misses));

        string json = result.ToJson();
        Assert.Equal(report.FeatureSets.Count, LowShotReport.FromJson(json).FeatureSets.Count);
        Assert.Contains("\"extractionSeconds\"", json, StringComparison.Ordinal);
        string chart = Path.Combine(_dir, "chart.png");
        result.SaveChart(chart);
        Assert.True(new FileInfo(chart).Length > 1000);

        // A sweep over λ on the same checkpoint extracts nothing again.
        var again = LowShotEvaluation.Run(checkpoint, options with
        {
            Protocol = options.Protocol with { Solver = new LogisticRegressionOptions { Lambda = 0.1 } },
        });
        Assert.Equal((6, 6), (cache.Hits, cache.Misses));
        Assert.Equal(0.1, again.Report.FeatureSets[0].Runs[0].Lambda);
        Assert.Equal(result.CheckpointSha256, again.CheckpointSha256);
    }

    [Fact]
    public void Missing_val_folder_is_a_one_line_error()
    {
        string checkpoint = TinySetup.WriteCheckpoint(_dir);
        string images = TinySetup.WriteImageFolder(_dir);
        Directory.Delete(Path.Combine(images, "val"), true);
        var e = Assert.Throws<DirectoryNotFoundException>(() =>
            LowShotEvaluation.Run(checkpoint, new LowShotEvaluationOptions { Data = images }));
        Assert.Contains("val", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", e.Message, StringComparison.Ordinal);
    }
}
