using MaskedSiamese.Models.Layers;
using MaskedSiamese.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MaskedSiamese.Tests.Models;

public sealed class LowPrecisionAttentionTests(ITestOutputHelper output)
{
    /// <summary>The written-out bf16 attention against LibTorch's fused kernel in float64: the output within the
    /// derived tolerance of 2 bf16 products in series (q kᵀ, then ·v), the gradients of q, k and v within that of
    /// the backward's 2 products per forward product.</summary>
    [Fact]
    public void Bf16_attention_matches_the_fused_float64_kernel_in_value_and_gradient()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(11);
        using var two = 2.ToScalar();
        Tensor Leaf() => torch.randn([2, 3, 17, 16], ScalarType.Float64, generator: g).mul(two).requires_grad_(true);
        var (q, k, v) = (Leaf(), Leaf(), Leaf());
        var weight = torch.randn([2, 3, 17, 16], ScalarType.Float64, generator: g);

        var reference = F.scaled_dot_product_attention(q, k, v);
        var referenceGrads = autograd.grad([(reference * weight).sum()], [q, k, v]);

        const ScalarType bf16 = ScalarType.BFloat16;
        var low = LowPrecision.Attention(q.to(bf16), k.to(bf16), v.to(bf16));
        Assert.Equal(bf16, low.dtype);
        var lowGrads = autograd.grad([(low.to(ScalarType.Float64) * weight).sum()], [q, k, v]);

        double outputError = RelativeError(low, reference);
        output.WriteLine($"output: {outputError:E2} (tolerance {Bf16Tolerance.Forward(2):E2})");
        Assert.True(outputError <= Bf16Tolerance.Forward(2), $"output off by {outputError:G3} of its largest value");
        for (int i = 0; i < 3; i++)
        {
            double error = RelativeError(lowGrads[i], referenceGrads[i]);
            output.WriteLine($"gradient of {"qkv"[i]}: {error:E2} (tolerance {Bf16Tolerance.Forward(3 * 2):E2})");
            Assert.True(error <= Bf16Tolerance.Forward(3 * 2), $"gradient {"qkv"[i]} off by {error:G3}");
        }
    }

    private static double RelativeError(Tensor ours, Tensor reference) =>
        (ours.to(ScalarType.Float64) - reference).abs().max().item<double>() / reference.abs().max().item<double>();
}
