using MaskedSiamese.Evaluation;
using MaskedSiamese.FineTuning;
using MaskedSiamese.Models;
using MaskedSiamese.Tests.Evaluation;

namespace MaskedSiamese.Tests.FineTuning;

/// <summary>Layer-wise learning-rate decay: every parameter's learning rate and weight decay against the formula
/// (head lr, block i of L lr·d^(L−i), embeddings lr·d^(L+1); no decay on 1-D parameters, pos_embed,
/// cls_token).</summary>
public sealed class LayerDecayTests
{
    [Theory]
    [InlineData(0.65)]
    [InlineData(0.8)]
    public void Every_parameter_gets_the_learning_rate_and_weight_decay_of_its_layer(double decay)
    {
        using var encoder = new EncoderArchitecture(TinySetup.Architecture.Vit, null, null).CreateEncoder();
        using var network = new FineTuneNetwork(encoder, FeatureChoice.LastBlock, 3, 10);
        const double lr = 1e-3, wd = 0.05;
        int depth = encoder.Options.Depth;   // 2
        var groups = LayerDecay.Groups(network.named_parameters().Select(p => (p.name, p.parameter)), depth, decay);
        LayerDecay.Apply(groups, lr, wd);
        var byName = groups.SelectMany(g => g.Group.Parameters.Select(p => (p.Name, g.Group)))
            .ToDictionary(x => x.Name, x => x.Group);
        Assert.Equal(network.named_parameters().Count(), byName.Count);

        double Expected(string name) => name switch
        {
            "encoder.cls_token" or "encoder.pos_embed" => lr * Math.Pow(decay, depth + 1),
            _ when name.StartsWith("encoder.patch_embed.", StringComparison.Ordinal) => lr * Math.Pow(decay, depth + 1),
            _ when name.StartsWith("encoder.blocks.0.", StringComparison.Ordinal) => lr * Math.Pow(decay, depth - 0),
            _ when name.StartsWith("encoder.blocks.1.", StringComparison.Ordinal) => lr * Math.Pow(decay, depth - 1),
            "head" or "encoder.norm.weight" or "encoder.norm.bias" => lr,
            _ => throw new InvalidOperationException($"unexpected parameter {name}"),
        };
        foreach (var (name, group) in byName)
        {
            Assert.Equal(Expected(name), group.LearningRate, 15);
            bool decayed = name is "head" or "encoder.patch_embed.proj.weight"
                           || name.EndsWith("qkv.weight", StringComparison.Ordinal)
                           || name.EndsWith("proj.weight", StringComparison.Ordinal)
                           || name.EndsWith("fc1.weight", StringComparison.Ordinal)
                           || name.EndsWith("fc2.weight", StringComparison.Ordinal);
            Assert.True(group.WeightDecay == (decayed ? wd : 0), $"{name}: weight decay {group.WeightDecay}");
        }
    }

    [Fact]
    public void Layer_ids_follow_the_mae_rule()
    {
        Assert.Equal(0, LayerDecay.LayerId("cls_token", 12));
        Assert.Equal(0, LayerDecay.LayerId("encoder.patch_embed.proj.bias", 12));
        Assert.Equal(1, LayerDecay.LayerId("blocks.0.norm1.weight", 12));
        Assert.Equal(12, LayerDecay.LayerId("encoder.blocks.11.mlp.fc2.weight", 12));
        Assert.Equal(13, LayerDecay.LayerId("norm.weight", 12));
        Assert.Equal(13, LayerDecay.LayerId("head", 12));
        Assert.Equal(Math.Pow(0.65, 13), LayerDecay.Scale(0, 12, 0.65), 15);
        Assert.Equal(1.0, LayerDecay.Scale(13, 12, 0.65));
    }
}
