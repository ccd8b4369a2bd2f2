using MaskedSiamese.Loss;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.Loss;

public sealed class MsnLossTests
{
    [Fact]
    public void Targets_are_tiled_view_major_and_carry_no_grad()
    {
        using var scope = NewDisposeScope();
        const int B = 4, M = 3;
        using var draws10 = new Generator(10);
        var anchors = randn(M * B, 8, generator: draws10).requires_grad_(true);
        using var draws11 = new Generator(11);
        var targetViews = randn(B, 8, generator: draws11);
        using var draws12 = new Generator(12);
        var prototypes = randn(6, 8, generator: draws12).requires_grad_(true);

        using var result = new MsnLoss(new MsnLossOptions()).Compute(anchors, targetViews, prototypes);

        Assert.Equal(new long[] { M * B, 6 }, result.Targets.shape);
        Assert.False(result.Targets.requires_grad);
        var first = result.Targets[..B];
        for (int v = 1; v < M; v++)
            Assert.True(result.Targets[(v * B)..((v + 1) * B)].equal(first).all().item<bool>());
        Assert.InRange(result.Diagnostics.DistinctArgmax, 1, B);
    }

    [Fact]
    public void Total_is_ce_plus_weighted_memax_and_entropy_and_backpropagates_to_both_leaves()
    {
        using var scope = NewDisposeScope();
        using var draws20 = new Generator(20);
        var anchors = randn(8, 8, generator: draws20).requires_grad_(true);
        using var draws21 = new Generator(21);
        var targetViews = randn(4, 8, generator: draws21);
        using var draws22 = new Generator(22);
        var prototypes = randn(6, 8, generator: draws22).requires_grad_(true);
        var options = new MsnLossOptions { MeMaxWeight = 5, EntropyWeight = 0.5, UseSinkhorn = false };

        using var result = new MsnLoss(options).Compute(anchors, targetViews, prototypes);
        result.Loss.backward();

        double expected = result.CrossEntropy + 5 * result.MeMax + 0.5 * result.Entropy;
        Assert.Equal(expected, result.Loss.item<float>(), 5);
        Assert.True(anchors.grad!.abs().sum().item<float>() > 0);
        Assert.True(prototypes.grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void Anchor_rows_not_a_multiple_of_the_batch_are_rejected()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() =>
            new MsnLoss(new MsnLossOptions()).Compute(randn(7, 4), randn(2, 4), randn(3, 4)));
    }

    [Fact]
    public void Compute_leaves_no_live_tensor_but_its_result()
    {
        using var draws30 = new Generator(30);
        var anchors = randn(8, 8, generator: draws30).requires_grad_(true);
        using var draws31 = new Generator(31);
        var targetViews = randn(4, 8, generator: draws31);
        using var draws32 = new Generator(32);
        var prototypes = randn(6, 8, generator: draws32).requires_grad_(true);
        var loss = new MsnLoss(new MsnLossOptions());
        try
        {
            using (loss.Compute(anchors, targetViews, prototypes)) { } // warm up lazily created natives
            long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            using (loss.Compute(anchors, targetViews, prototypes))
                Assert.Equal(before + 2, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
            Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        }
        finally
        {
            anchors.Dispose();
            targetViews.Dispose();
            prototypes.Dispose();
        }
    }
}
