using MaskedSiamese.Optimization;
using TorchSharp.Modules;

namespace MaskedSiamese.FineTuning;

/// <summary>
/// Layer-wise learning-rate decay as MAE/BEiT's <c>param_groups_lrd</c>: with L blocks, the [CLS] token, positional
/// and patch embeddings are layer 0, block i (0-based) is layer i + 1, everything after the blocks (final norm, head)
/// is layer L + 1; layer k learns at lr·decay^(L + 1 − k). So the head gets lr, block i gets lr·decay^(L − i) and
/// the embeddings lr·decay^(L + 1): the lower layers, which pretraining made most general, move least. Weight decay
/// applies to weight matrices only, never to 1-D parameters (biases, norms), the positional embeddings or the [CLS]
/// token.
/// </summary>
public static class LayerDecay
{
    /// <summary>The layer of parameter <paramref name="name"/> of an encoder with <paramref name="depth"/> blocks
    /// (names as the encoder's state dict, optionally prefixed <c>encoder.</c>).</summary>
    public static int LayerId(string name, int depth)
    {
        ArgumentNullException.ThrowIfNull(name);
        string n = name.StartsWith("encoder.", StringComparison.Ordinal) ? name["encoder.".Length..] : name;
        if (n is "cls_token" or "pos_embed" || n.StartsWith("patch_embed.", StringComparison.Ordinal)) return 0;
        if (n.StartsWith("blocks.", StringComparison.Ordinal))
        {
            string index = n["blocks.".Length..].Split('.')[0];
            return int.Parse(index, System.Globalization.CultureInfo.InvariantCulture) + 1;
        }
        return depth + 1;
    }

    /// <summary>The learning-rate factor of layer <paramref name="layerId"/>: decay^(depth + 1 − layerId).</summary>
    public static double Scale(int layerId, int depth, double decay) => Math.Pow(decay, depth + 1 - layerId);

    /// <summary>Whether a parameter gets weight decay: not 1-D, and not the positional embeddings or [CLS] token
    /// (MAE's <c>no_weight_decay</c> list).</summary>
    public static bool IsDecayed(string name, IReadOnlyList<long> shape)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(shape);
        string n = name.StartsWith("encoder.", StringComparison.Ordinal) ? name["encoder.".Length..] : name;
        return shape.Count > 1 && n is not ("pos_embed" or "cls_token");
    }

    /// <summary>One AdamW group per (layer, decayed or not), in layer order, keeping the parameters' order.</summary>
    public static IReadOnlyList<LayerDecayGroup> Groups(IEnumerable<(string Name, Parameter Parameter)> parameters,
        int depth, double decay)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return parameters
            .GroupBy(p => (Layer: LayerId(p.Name, depth), Decayed: IsDecayed(p.Name, p.Parameter.shape)))
            .OrderBy(g => g.Key.Layer).ThenBy(g => g.Key.Decayed)
            .Select(g => new LayerDecayGroup(
                new AdamWGroup($"layer{g.Key.Layer}{(g.Key.Decayed ? "" : "_no_decay")}", g.ToList(), g.Key.Decayed),
                g.Key.Layer, Scale(g.Key.Layer, depth, decay)))
            .ToList();
    }

    /// <summary>Sets every group's learning rate (lr times its layer's factor) and weight decay for the next
    /// step.</summary>
    public static void Apply(IEnumerable<LayerDecayGroup> groups, double learningRate, double weightDecay)
    {
        ArgumentNullException.ThrowIfNull(groups);
        foreach (var g in groups)
        {
            g.Group.LearningRate = learningRate * g.LearningRateScale;
            g.Group.WeightDecay = g.Group.DecayScheduled ? weightDecay : 0;
        }
    }
}
