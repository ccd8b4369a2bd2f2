using MaskedSiamese.Evaluation;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.Evaluation;

public sealed class LinearProbeAndKnnTests(ITestOutputHelper output)
{
    [Fact]
    public void Linear_probe_learns_a_separable_problem()
    {
        var (x, y) = SyntheticData.Clusters(perClass: 100, classes: 5, dim: 16, separation: 10, seed: 2);
        using var _ = x;

        using var probe = LinearProbe.Train(x, y, 5, new LinearProbeOptions
        {
            Solver = LinearProbeSolver.Sgd,
            MaxSteps = 80,
            BatchSize = 32,
            Seed = 1,
            CheckEvery = 16,
        });

        output.WriteLine($"losses {string.Join(", ", probe.Losses.Select(l => l.ToString("F4")))}; " +
            $"{probe.Seconds:F2} s");
        Assert.Equal(1.0, probe.Accuracy(x, y));
        Assert.Equal(80, probe.Steps);
        Assert.True(probe.Losses[^1] < probe.Losses[0]);
        Assert.Equal(["norm.weight", "norm.bias", "linear.weight", "linear.bias"],
            probe.Head.state_dict().Keys.ToArray());
    }

    [Fact]
    public void Linear_probe_is_reproducible_with_a_seed()
    {
        var (x, y) = SyntheticData.Clusters(perClass: 20, classes: 3, dim: 4, separation: 1, seed: 4);
        using var _ = x;
        var options = new LinearProbeOptions
        {
            Solver = LinearProbeSolver.Sgd,
            MaxSteps = 400,
            BatchSize = 16,
            Seed = 5,
            CheckEvery = 8,
        };

        using var a = LinearProbe.Train(x, y, 3, options);
        using var b = LinearProbe.Train(x, y, 3, options);

        Assert.True(a.Losses.Count > 5);
        Assert.Equal(a.Losses, b.Losses);
        Assert.Equal(a.Steps, b.Steps);
    }

    [Fact]
    public void Linear_probe_trains_to_convergence_and_agrees_with_the_logistic_regression_on_a_small_set()
    {
        // The shape of the issue's folder: ~1,300 images, 10 overlapping classes. Ten epochs at batch 256 are 60 steps,
        // which left the probe far below a converged logistic regression there (22.9% against 62.6%).
        var (train, trainLabels) = SyntheticData.Clusters(perClass: 130, classes: 10, dim: 48, separation: 1.6, seed: 7,
            sharedOffset: 8);
        var (test, testLabels) = SyntheticData.Clusters(perClass: 200, classes: 10, dim: 48, separation: 1.6, seed: 8,
            sharedOffset: 8);
        using var _ = train;
        using var __ = test;
        using var trainX = FeaturePreprocessing.CenterAndNormalize(train);
        using var testX = FeaturePreprocessing.CenterAndNormalize(test);
        var regression = MultinomialLogisticRegression.Fit(trainX, trainLabels, 10);
        double reference = regression.Accuracy(testX, testLabels);

        using var probe = LinearProbe.Train(train, trainLabels, 10);
        using var sgd = LinearProbe.Train(train, trainLabels, 10,
            new LinearProbeOptions { Solver = LinearProbeSolver.Sgd });
        using var capped = LinearProbe.Train(train, trainLabels, 10,
            new LinearProbeOptions { Solver = LinearProbeSolver.Sgd, MaxSteps = 60 });

        double accuracy = probe.Accuracy(test, testLabels), sgdAccuracy = sgd.Accuracy(test, testLabels);
        double cappedAccuracy = capped.Accuracy(test, testLabels);
        output.WriteLine($"L-BFGS logistic regression {reference:P2} ({regression.FitInfo}); " +
                         $"{LinearProbeEvaluation.Describe("probe", probe)}: {accuracy:P2}; " +
                         $"{LinearProbeEvaluation.Describe("probe", sgd)}: {sgdAccuracy:P2}; 60 SGD steps: " +
                         $"{cappedAccuracy:P2}");
        Assert.True(regression.FitInfo.Converged);
        Assert.True(probe.Converged, "the L-BFGS probe did not converge");
        Assert.True(sgd.Converged, "the SGD probe did not converge");
        Assert.False(capped.Converged);
        Assert.True(cappedAccuracy < reference - 0.1,
            "60 steps should under-fit this set (the failure this rule fixes)");
        Assert.InRange(accuracy, reference - 0.01, reference + 0.01);
        Assert.InRange(sgdAccuracy, reference - 0.01, reference + 0.01);
        // The default solver reaches the head's optimum: no higher a training loss than SGD's plateau.
        Assert.True(probe.Losses[^1] <= sgd.Losses[^1] + 1e-4,
            $"L-BFGS loss {probe.Losses[^1]} above SGD's {sgd.Losses[^1]}");
    }

    [Fact]
    public void Plateau_schedule_drops_the_rate_after_patience_and_converges_after_the_last_drop()
    {
        var schedule = new PlateauSchedule(1.0, tolerance: 0.01, patience: 2, reductions: 1);
        Assert.False(schedule.Observe(1.0));
        Assert.False(schedule.Observe(0.5));     // progress
        Assert.False(schedule.Observe(0.499));   // within 1%: stale 1
        Assert.Equal(1.0, schedule.LearningRate);
        Assert.False(schedule.Observe(0.498));   // stale 2: first reduction
        Assert.Equal(0.1, schedule.LearningRate, 12);
        Assert.False(schedule.Observe(0.3));     // progress resets patience
        Assert.False(schedule.Observe(0.3));
        Assert.True(schedule.Observe(0.3));      // plateau after the last reduction
        Assert.True(schedule.Converged);
        Assert.Throws<ArithmeticException>(() => new PlateauSchedule(1, 0, 1, 0).Observe(double.NaN));
    }

    [Fact]
    public void Knn_votes_for_the_class_of_the_nearest_weighted_neighbours()
    {
        // Two classes along two directions; the query is closest in angle to class 1.
        using var train = torch.tensor(new float[] { 1, 0, 0.9f, 0.1f, 0.95f, -0.05f, 0, 1, 0.1f, 0.9f }, [5, 2]);
        int[] labels = [0, 0, 0, 1, 1];
        using var test = torch.tensor(new float[] { 0.2f, 1, 5, 0.1f }, [2, 2]);

        var predictions = KnnClassifier.Predict(train, labels, test, 2, k: 3, batchSize: 1);

        // With k 3 the first query sees two close class-1 neighbours and one distant class-0 one.
        Assert.Equal([1, 0], predictions);
    }

    [Fact]
    public void Knn_weights_votes_by_similarity_not_by_count()
    {
        // Query equals the single class-1 sample; two class-0 samples are far (cosine 0) but outnumber it.
        using var train = torch.tensor(new float[] { 1, 0, 0, 1, 0, 1 }, [3, 2]);
        int[] labels = [1, 0, 0];
        using var test = torch.tensor(new float[] { 1, 0 }, [1, 2]);

        Assert.Equal([1], KnnClassifier.Predict(train, labels, test, 2, k: 3));
    }
}
