using MaskedSiamese.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.Models;

/// <summary>The block adds each residual into its branch's output in place (to save a token-width tensor per add): its
/// output and gradients must still be those of x + DropPath(Attn(LN1(x))), then h + DropPath(MLP(LN2(h))), written
/// out of place from the block's own layers, and its input must come back untouched. Float64, so the comparison is
/// tight; with stochastic depth on, both sides draw the same masks from generators with one seed.</summary>
public sealed class BlockTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    public void Output_and_gradients_equal_the_out_of_place_block_and_the_input_is_untouched(double dropPath)
    {
        using var scope = NewDisposeScope();
        using var init = new Generator(11);
        using var block = new Block(16, 2, 32, qkvBias: true, eps: 1e-6, dropPath: dropPath);
        block.to(ScalarType.Float64);
        block.train();
        var x = torch.randn([6, 5, 16], ScalarType.Float64, generator: init).requires_grad_(true);
        var before = x.detach().clone();
        var upstream = torch.randn([6, 5, 16], ScalarType.Float64, generator: init);

        Tensor output;
        using (var blockDraws = new Generator(5))
        {
            block.DropPathGenerator = blockDraws;
            var y = block.call(x);
            y.backward([upstream]);
            output = y.detach().clone();
        }
        var gradX = x.grad!.clone();
        var gradsBlock = block.parameters().Select(p => p.grad!.clone()).ToList();
        Assert.True(x.detach().equal(before).all().item<bool>(), "the block changed its input");

        x.grad = null;
        foreach (var p in block.parameters()) p.grad = null;
        var layers = block.named_children().ToDictionary(c => c.name, c => (nn.Module<Tensor, Tensor>)c.module);
        using var referenceDraws = new Generator(5);
        using var dropReference = new DropPath(dropPath) { Generator = referenceDraws };
        dropReference.train();
        var h = x.add(dropReference.call(layers["attn"].call(layers["norm1"].call(x))), KeptScalars.One);
        var reference = h.add(dropReference.call(layers["mlp"].call(layers["norm2"].call(h))), KeptScalars.One);
        reference.backward([upstream]);

        AssertClose(reference, output, "output");
        using (torch.no_grad())
            AssertClose(reference, OutputWithoutGradients(block, before), "output without gradients");
        AssertClose(x.grad!, gradX, "input gradient");
        var referenceGrads = block.parameters().Select(p => p.grad!).ToList();
        for (int i = 0; i < referenceGrads.Count; i++)
            AssertClose(referenceGrads[i], gradsBlock[i], $"parameter {i} gradient");
    }

    // The same draws through the block's other path: without gradients its MLP branch is the plain modules.
    private static Tensor OutputWithoutGradients(Block block, Tensor x)
    {
        using var draws = new Generator(5);
        block.DropPathGenerator = draws;
        var y = block.call(x);
        block.DropPathGenerator = null;
        return y;
    }

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        double diff = (expected - actual).abs().max().item<double>();
        Assert.True(diff < 1e-12, $"{what}: max difference {diff:E2}");
    }
}
