using MaskedSiamese.Engine;
using MaskedSiamese.Loss;
using MaskedSiamese.Models;
using MaskedSiamese.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.Engine;

/// <summary>The collective seams in the loss, the head's BatchNorm and the gradient sync, run as two "processes"
/// (threads with <see cref="InProcessCollective"/>) that each hold half of a batch: every result must equal the
/// one-process result on the whole batch, as the official distributed semantics intend (msn-spec §2, §1.3).</summary>
public sealed class CollectiveSeamTests
{
    private static Tensor Probabilities(long rows, long k, ulong seed)
    {
        using var sharpen = 3.ToScalar();
        using var draws = new Generator(seed);
        return nn.functional.softmax(randn(rows, k, generator: draws).mul(sharpen), 1);
    }

    [Fact]
    public void Sinkhorn_over_two_processes_balances_their_union_as_one_process_balances_the_whole_batch()
    {
        using var scope = NewDisposeScope();
        var whole = Probabilities(12, 10, 1);
        var expected = SinkhornKnopp.Normalize(whole, 3);

        var halves = InProcessCollective.Run(2, c =>
        {
            using var s = NewDisposeScope();
            return SinkhornKnopp.Normalize(whole[(c.Rank * 6)..((c.Rank + 1) * 6)], 3, c).MoveToOuterDisposeScope();
        });

        TensorAssert.Close(expected, cat(halves, 0), 1e-6, "sinkhorn over 2 processes");
        var local = SinkhornKnopp.Normalize(whole[..6], 3);
        Assert.False(local.allclose(halves[0], rtol: 1e-3, atol: 1e-5), "balancing only the local half differs");
    }

    [Fact]
    public void Me_max_averages_the_mean_probabilities_over_processes_with_an_identity_backward()
    {
        using var scope = NewDisposeScope();
        var whole = Probabilities(8, 5, 2).requires_grad_(true);
        var expected = LossTerms.MeMax(whole);
        expected.backward();

        var results = InProcessCollective.Run(2, c =>
        {
            using var s = NewDisposeScope();
            var half = whole.detach()[(c.Rank * 4)..((c.Rank + 1) * 4)].clone().requires_grad_(true);
            var r = LossTerms.MeMax(half, c);
            r.backward();
            return (Value: r.item<float>(), Grad: half.grad!.clone().MoveToOuterDisposeScope());
        });

        Assert.All(results, r => Assert.Equal(expected.item<float>(), r.Value, 6));
        // Identity backward: each process's gradient is W × the global one (DDP's averaging restores the global).
        using var worldSize = 2.ToScalar();
        TensorAssert.Close(whole.grad!.mul(worldSize), cat(results.Select(r => r.Grad).ToArray(), 0), 1e-7,
            "me-max gradient");
    }

    [Fact]
    public void The_head_BatchNorm_over_two_processes_normalises_and_backpropagates_as_over_the_whole_batch()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(3);
        var options = new ProjectionHeadOptions(16, 8);
        using var single = new ProjectionHead(12, options);
        var weights = single.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        using var draws4 = new Generator(4);
        var x = randn(10, 12, generator: draws4).requires_grad_(true);
        var expected = single.call(x);
        expected.sum().backward();

        var results = InProcessCollective.Run(2, c =>
        {
            using var s = NewDisposeScope();
            using var head = new ProjectionHead(12, options);
            head.load_state_dict(weights);
            head.Collective = c;
            var half = x.detach()[(c.Rank * 5)..((c.Rank + 1) * 5)].clone().requires_grad_(true);
            var y = head.call(half);
            y.sum().backward();
            return (Out: y.detach().MoveToOuterDisposeScope(), Grad: half.grad!.clone().MoveToOuterDisposeScope(),
                RunningVar: head.state_dict()["bn1.running_var"].clone().MoveToOuterDisposeScope());
        });

        TensorAssert.Close(expected, cat(results.Select(r => r.Out).ToArray(), 0), 1e-5, "outputs");
        TensorAssert.Close(x.grad!, cat(results.Select(r => r.Grad).ToArray(), 0), 1e-5, "input gradients");
        TensorAssert.Close(single.state_dict()["bn1.running_var"], results[1].RunningVar, 1e-5, "running variance");
    }

    [Fact]
    public void Gradient_sync_averages_the_encoder_gradients_and_sums_the_prototype_gradients()
    {
        var results = InProcessCollective.Run(2, c =>
        {
            using var encoder = new TorchSharp.Modules.Parameter(ones(3));
            using var prototypes = new TorchSharp.Modules.Parameter(ones(3));
            using var value = (c.Rank + 1f).ToScalar();
            encoder.grad = full(3, value);
            prototypes.grad = full(3, value);
            CollectiveGradients.Average(c, [encoder]);
            CollectiveGradients.Sum(c, [prototypes]);
            return (encoder.grad!.data<float>().ToArray(), prototypes.grad!.data<float>().ToArray());
        });

        Assert.All(results, r => Assert.Equal([1.5f, 1.5f, 1.5f], r.Item1));
        Assert.All(results, r => Assert.Equal([3f, 3f, 3f], r.Item2));
    }
}
