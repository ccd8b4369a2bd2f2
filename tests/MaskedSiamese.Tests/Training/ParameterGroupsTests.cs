using MaskedSiamese.Optimization;
using MaskedSiamese.Training;

namespace MaskedSiamese.Tests.Training;

public sealed class ParameterGroupsTests
{
    [Theory]
    [InlineData("cls_token", new long[] { 1, 1, 64 })]
    [InlineData("pos_embed", new long[] { 1, 65, 64 })]
    [InlineData("patch_embed.proj.weight", new long[] { 64, 3, 4, 4 })]
    [InlineData("blocks.0.attn.qkv.weight", new long[] { 192, 64 })]
    [InlineData("blocks.1.mlp.fc2.weight", new long[] { 64, 256 })]
    [InlineData("fc.fc1.weight", new long[] { 128, 64 })]
    [InlineData("fc.fc3.weight", new long[] { 32, 128 })]
    public void Weights_tokens_and_embeddings_are_decayed(string name, long[] shape) =>
        Assert.True(ParameterGroups.IsDecayed(name, shape));

    [Theory]
    [InlineData("fc.bn1.weight", new long[] { 128 })]
    [InlineData("fc.bn2.bias", new long[] { 128 })]
    [InlineData("blocks.0.norm1.weight", new long[] { 64 })]
    [InlineData("norm.bias", new long[] { 64 })]
    [InlineData("blocks.0.attn.qkv.bias", new long[] { 192 })]
    [InlineData("fc.fc1.bias", new long[] { 128 })]
    [InlineData("patch_embed.proj.bias", new long[] { 64 })]
    // The rule is by substring: any 2-D parameter named with "bn" or "bias" is excluded too.
    [InlineData("head.bn_proj.weight", new long[] { 8, 8 })]
    [InlineData("some.bias_matrix", new long[] { 8, 8 })]
    public void Biases_bn_and_1d_parameters_are_not_decayed(string name, long[] shape) =>
        Assert.False(ParameterGroups.IsDecayed(name, shape));

    [Fact]
    public void Split_keeps_order_within_each_group()
    {
        var items = new (string, long[], string)[]
        {
            ("cls_token", [1, 1, 4], "a"), ("blocks.0.norm1.weight", [4], "b"),
            ("blocks.0.attn.qkv.weight", [12, 4], "c"), ("blocks.0.attn.qkv.bias", [12], "d"),
        };
        var (decayed, notDecayed) = ParameterGroups.Split(items);
        Assert.Equal(["a", "c"], decayed);
        Assert.Equal(["b", "d"], notDecayed);
    }
}
