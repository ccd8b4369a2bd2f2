using MaskedSiamese.Models;
using MaskedSiamese.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.Models;

/// <summary>Stochastic depth: rate 0 is the identity and draws no random number (so pretraining, whose default is 0,
/// is unchanged by it), evaluation is the identity, training drops whole samples at rate p and scales the rest by
/// 1/(1 − p); the draws come from the generator the layer is given, so nothing else in the process moves them.
/// Every test draws from its own generator: the suite runs test classes in parallel.</summary>
public sealed class DropPathTests
{
    [Fact]
    public void Rate_zero_is_the_identity_in_training_and_draws_no_random_number()
    {
        using var draws = new Generator(7);
        using var layer = new DropPath(0) { Generator = draws };
        layer.train();
        using var x = torch.randn(8, 5, 4);
        using var y = layer.call(x);
        using var next = torch.rand([4], generator: draws);
        using var fresh = new Generator(7);
        using var untouched = torch.rand([4], generator: fresh);
        Assert.True(y.equal(x).all().item<bool>());
        Assert.True(next.equal(untouched).all().item<bool>(), "DropPath(0) consumed random numbers");
    }

    [Fact]
    public void Evaluation_is_the_identity_at_any_rate()
    {
        using var layer = new DropPath(0.5);
        layer.eval();
        using var x = torch.randn(64, 5, 4);
        using var y = layer.call(x);
        Assert.True(y.equal(x).all().item<bool>());
    }

    [Fact]
    public void Training_drops_whole_samples_at_the_rate_and_scales_the_survivors()
    {
        const double p = 0.25;
        const int n = 4000;
        using var draws = new Generator(3);
        using var layer = new DropPath(p) { Generator = draws };
        layer.train();
        using var x = torch.ones(n, 3, 2);
        using var y = layer.call(x);
        using var rows = y.reshape(n, -1);
        using var rowMin = rows.amin([1]);
        using var rowMax = rows.amax([1]);
        Assert.True(rowMin.equal(rowMax).all().item<bool>(), "a sample was partly dropped");
        var values = rowMin.data<float>().ToArray();
        float kept = (float)(1 / (1 - p));
        Assert.All(values, v => Assert.True(v == 0f || v == kept,
            $"value {v}: neither dropped nor scaled by 1/(1−p)"));
        double dropped = values.Count(v => v == 0f) / (double)n;
        Assert.InRange(dropped, p - 0.03, p + 0.03);   // binomial sd 0.007
        Assert.InRange(y.mean().item<float>(), 0.95f, 1.05f);   // unbiased in expectation
    }

    [Fact]
    public void An_encoder_given_a_generator_draws_the_same_drops_whatever_the_global_generator_does()
    {
        var options = new VitOptions(ImageSize: 8, PatchSize: 4, EmbedDim: 8, Depth: 3, NumHeads: 2, DropPathRate: 0.5);
        using var init = new Generator(1);
        using var encoder = new VisionTransformer(options, generator: init);
        encoder.train();
        using var x = torch.randn([16, 3, 8, 8], generator: init);
        using var draws = new Generator(0);
        encoder.DropPathGenerator = draws;
        Assert.Same(draws, encoder.DropPathGenerator);

        draws.manual_seed(11);
        torch.manual_seed(5);
        using var first = encoder.ForwardFeatures(x);
        draws.manual_seed(11);
        torch.manual_seed(6);   // what another test or thread would do to the global generator
        using var again = encoder.ForwardFeatures(x);
        draws.manual_seed(12);
        using var other = encoder.ForwardFeatures(x);

        Assert.True(first.equal(again).all().item<bool>(), "the drops followed the global generator");
        Assert.False(first.equal(other).all().item<bool>(),
            "a different seed drew the same drops: nothing was dropped");
    }
}
