using System.Globalization;
using MaskedSiamese.Models;
using static TorchSharp.torch;

namespace MaskedSiamese.Checkpoints;

/// <summary>
/// Reads an encoder's architecture off its weights: width, patch size, depth, MLP ratio, qkv bias, the image size the
/// positional embeddings were learned for, and the head widths. Weights do not record the number of attention
/// heads: it comes from the caller, else from the official factory of the same width and depth.
/// </summary>
public static class ArchitectureInference
{
    /// <summary>Infers the architecture of a prefix-free encoder state dict.</summary>
    /// <param name="stateDict">Keys without the <c>module.</c> prefix.</param>
    /// <param name="numHeads">Attention heads, when known.</param>
    /// <param name="numPrototypes">K, when the checkpoint holds prototypes.</param>
    /// <param name="source">The file, for error messages.</param>
    public static EncoderArchitecture Infer(IReadOnlyDictionary<string, Tensor> stateDict, int? numHeads,
        int? numPrototypes, string source)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        long[] Shape(string key) => stateDict.TryGetValue(key, out var t)
            ? t.shape
            : throw new CheckpointFormatException($"{source}: missing key '{key}': not an MSN/DeiT encoder");

        long[] patch = Shape("patch_embed.proj.weight");
        if (patch.Length != 4 || patch[2] != patch[3])
            throw new CheckpointFormatException($"{source}: 'patch_embed.proj.weight' has shape " +
                $"[{string.Join(",", patch)}], expected [D,3,p,p]");
        int dim = (int)patch[0], patchSize = (int)patch[2];
        long tokens = Shape("pos_embed")[1];
        int grid = (int)Math.Round(Math.Sqrt(tokens - 1));
        if (grid * grid != tokens - 1)
            throw new CheckpointFormatException($"{source}: 'pos_embed' holds {tokens - 1} patch positions, " +
                $"not a square grid");
        int depth = 0;
        while (stateDict.ContainsKey($"blocks.{depth}.norm1.weight")) depth++;
        if (depth == 0)
            throw new CheckpointFormatException($"{source}: missing key 'blocks.0.norm1.weight': not " +
                $"an MSN/DeiT encoder");
        long mlpHidden = Shape("blocks.0.mlp.fc1.weight")[0];
        bool qkvBias = stateDict.ContainsKey("blocks.0.attn.qkv.bias");
        int heads = numHeads ?? VitPresets.OfficialNumHeads(dim, depth)
            ?? throw new CheckpointFormatException(
                $"{source}: an encoder of width {dim} and depth {depth} matches no official model; name its " +
                $"attention heads (--num-heads)");
        var vit = new VitOptions(grid * patchSize, patchSize, dim, depth, heads, (double)mlpHidden / dim, qkvBias);
        ProjectionHeadOptions? head = null;
        if (stateDict.ContainsKey("fc.fc1.weight"))
            head = new ProjectionHeadOptions((int)Shape("fc.fc1.weight")[0], (int)Shape("fc.fc3.weight")[0]);
        try
        {
            vit.Validate();
        }
        catch (ArgumentException e)
        {
            throw new CheckpointFormatException($"{source}: inferred architecture is invalid: {e.Message}", e);
        }
        return new EncoderArchitecture(vit, head, numPrototypes);
    }

    /// <summary>Formats a shape as [a,b,c].</summary>
    public static string FormatShape(long[] shape) =>
        "[" + string.Join(",", shape.Select(s => s.ToString(CultureInfo.InvariantCulture))) + "]";
}
