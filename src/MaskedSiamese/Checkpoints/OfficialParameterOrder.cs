using MaskedSiamese.Models;
using MaskedSiamese.Optimization;

namespace MaskedSiamese.Checkpoints;

/// <summary>
/// The order in which the official encoder yields <c>named_parameters()</c> (own parameters, then children in
/// construction order: cls_token, pos_embed, patch_embed, blocks, norm, fc), and the official AdamW grouping that
/// numbers the optimizer state: decayed weights first, then biases / <c>bn</c> / 1-D parameters, then the prototypes.
/// </summary>
public static class OfficialParameterOrder
{
    /// <summary>Encoder parameter names in <c>named_parameters()</c> order, with their ranks.</summary>
    public static IReadOnlyList<(string Name, int Rank)> EncoderParameters(EncoderArchitecture architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        var list = new List<(string, int)>
        {
            ("cls_token", 3), ("pos_embed", 3), ("patch_embed.proj.weight", 4), ("patch_embed.proj.bias", 1),
        };
        for (int i = 0; i < architecture.Vit.Depth; i++)
        {
            string b = $"blocks.{i}.";
            list.Add((b + "norm1.weight", 1));
            list.Add((b + "norm1.bias", 1));
            list.Add((b + "attn.qkv.weight", 2));
            if (architecture.Vit.QkvBias) list.Add((b + "attn.qkv.bias", 1));
            list.AddRange([(b + "attn.proj.weight", 2), (b + "attn.proj.bias", 1),
                (b + "norm2.weight", 1), (b + "norm2.bias", 1),
                (b + "mlp.fc1.weight", 2), (b + "mlp.fc1.bias", 1),
                (b + "mlp.fc2.weight", 2), (b + "mlp.fc2.bias", 1)]);
        }
        list.AddRange([("norm.weight", 1), ("norm.bias", 1)]);
        if (architecture.Head is not null)
            foreach (var layer in new[] { "fc1", "bn1", "fc2", "bn2", "fc3" })
                list.AddRange([($"fc.{layer}.weight", layer.StartsWith("bn", StringComparison.Ordinal) ? 1 : 2),
                    ($"fc.{layer}.bias", 1)]);
        return list;
    }

    /// <summary>
    /// Names indexed as the official optimizer's state numbers them: encoder parameters (prefixed
    /// <c>encoder.</c>) of group 1, then of group 2, then <c>prototypes</c>.
    /// </summary>
    public static IReadOnlyList<string> OptimizerIndexToName(EncoderArchitecture architecture)
    {
        // Only the rank of a shape matters to the grouping rule.
        var (decayed, notDecayed) = ParameterGroups.Split(
            EncoderParameters(architecture).Select(p => (p.Name, new long[p.Rank], "encoder." + p.Name)));
        return [.. decayed, .. notDecayed, "prototypes"];
    }
}
