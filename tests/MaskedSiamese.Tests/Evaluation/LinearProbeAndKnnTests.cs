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

        using var probe = LinearProbe.Train(x, y, 5, new LinearProbeOptions { Epochs = 5, BatchSize = 32, Seed = 1 });

        output.WriteLine($"losses {string.Join(", ", probe.EpochLosses.Select(l => l.ToString("F4")))}; {probe.Seconds:F2} s");
        Assert.Equal(1.0, probe.Accuracy(x, y));
        Assert.True(probe.EpochLosses[^1] < probe.EpochLosses[0]);
        Assert.Equal(["norm.weight", "norm.bias", "linear.weight", "linear.bias"],
            probe.Head.state_dict().Keys.ToArray());
    }

    [Fact]
    public void Linear_probe_is_reproducible_with_a_seed()
    {
        var (x, y) = SyntheticData.Clusters(perClass: 20, classes: 3, dim: 4, separation: 1, seed: 4);
        using var _ = x;
        var options = new LinearProbeOptions { Epochs = 2, BatchSize = 16, Seed = 5 };

        using var a = LinearProbe.Train(x, y, 3, options);
        using var b = LinearProbe.Train(x, y, 3, options);

        Assert.Equal(a.EpochLosses, b.EpochLosses);
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
