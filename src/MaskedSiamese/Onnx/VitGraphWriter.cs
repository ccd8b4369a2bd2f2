using MaskedSiamese.Models;
using TorchSharp;
using static MaskedSiamese.Onnx.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace MaskedSiamese.Onnx;

/// <summary>
/// Writes the eval-mode forward pass of a <see cref="VisionTransformer"/> trunk into an ONNX graph, node for node as
/// <c>Tokens</c> → blocks → [CLS] (→ final norm) computes it: Conv patch embedding, [CLS] broadcast to the batch,
/// position embeddings at the trained resolution, pre-norm blocks with LayerNormalization, multi-head attention from
/// MatMul/Softmax, MLP with exact (erf) GELU. Linear weights are stored transposed ([in, out]) so each projection is
/// one MatMul + Add, the pattern ONNX Runtime fuses.
/// </summary>
internal sealed class VitGraphWriter
{
    private readonly OnnxGraphBuilder _g;
    private readonly IReadOnlyDictionary<string, Tensor> _weights;
    private readonly VitOptions _vit;

    private VitGraphWriter(OnnxGraphBuilder g, IReadOnlyDictionary<string, Tensor> weights, VitOptions vit)
    {
        _g = g;
        _weights = weights;
        _vit = vit;
    }

    /// <summary>Adds the trunk of <paramref name="model"/> to <paramref name="g"/>, reading from the graph input
    /// <see cref="OnnxEncoderFormat.InputName"/> and writing the values <see cref="OnnxEncoderFormat.FeaturesOutput"/>
    /// and <see cref="OnnxEncoderFormat.FinalNormOutput"/>. Returns the [CLS] values [B, D] of the last
    /// <paramref name="clsBlocks"/> blocks in block order (the last one is
    /// <see cref="OnnxEncoderFormat.FeaturesOutput"/>), as <see cref="VisionTransformer.ForwardBlocks"/> concatenates
    /// them.</summary>
    public static IReadOnlyList<string> Write(OnnxGraphBuilder g, VisionTransformer model, int clsBlocks = 1)
    {
        int depth = model.Options.Depth;
        ArgumentOutOfRangeException.ThrowIfLessThan(clsBlocks, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(clsBlocks, depth);
        using var scope = NewDisposeScope();
        var weights = model.state_dict().ToDictionary(kv => kv.Key,
            kv => kv.Value.detach().cpu().to(float32).contiguous(), StringComparer.Ordinal);
        var writer = new VitGraphWriter(g, weights, model.Options);
        string h = writer.Tokens(OnnxEncoderFormat.InputName);
        var cls = new List<string>();
        for (int i = 0; i < depth; i++)
        {
            h = writer.Block(h, $"blocks.{i}.");
            if (i >= depth - clsBlocks)
                cls.Add(writer.Cls(h, i == depth - 1 ? OnnxEncoderFormat.FeaturesOutput : $"blocks.{i}.cls"));
        }
        writer.LayerNorm(cls[^1], "norm.", OnnxEncoderFormat.FinalNormOutput);
        return cls;
    }

    // The [CLS] row: Gather with a scalar index drops the token axis, [B, T, D] → [B, D].
    private string Cls(string h, string output) =>
        _g.NodeWithOutput("Gather", output, [h, _g.Int64(output + "/token0", [0])], Int("axis", 1));

    // Patch embedding, [CLS] and position embedding: [B, 3, S, S] → [B, 1 + N, D].
    private string Tokens(string images)
    {
        int p = _vit.PatchSize, d = _vit.EmbedDim, n = _vit.NumPatches;
        string conv = _g.Node("Conv", "patch_embed",
            [images, Weight("patch_embed.proj.weight"), Weight("patch_embed.proj.bias")],
            Ints("kernel_shape", p, p), Ints("strides", p, p));
        // 0 in a Reshape target copies that dimension from the input: the batch stays symbolic.
        string flat = _g.Node("Reshape", "patch_flat", [conv, _g.Int64("shape_patch_flat", [0, d, n], 3)]);
        string patches = _g.Node("Transpose", "patches", [flat], Ints("perm", 0, 2, 1));
        // [CLS] is [1, 1, D]; Expand it to [B, 1, D] with B read from the input's shape at run time.
        string batch = _g.Node("Shape", "batch", [images], Int("start", 0), Int("end", 1));
        string clsShape = _g.Node("Concat", "cls_shape", [batch, _g.Int64("shape_one_d", [1, d], 2)], Int("axis", 0));
        string cls = _g.Node("Expand", "cls", [Weight("cls_token"), clsShape]);
        string tokens = _g.Node("Concat", "tokens", [cls, patches], Int("axis", 1));
        return _g.Node("Add", "tokens_pos", [tokens, Weight("pos_embed")]);
    }

    // x + Attn(LN1(x)), then x + MLP(LN2(x)); DropPath is the identity in eval mode.
    private string Block(string x, string prefix)
    {
        string attn = Attention(LayerNorm(x, prefix + "norm1."), prefix + "attn.");
        string h = _g.Node("Add", prefix + "residual1", [x, attn]);
        string mlp = Mlp(LayerNorm(h, prefix + "norm2."), prefix + "mlp.");
        return _g.Node("Add", prefix + "residual2", [h, mlp]);
    }

    // softmax(q kᵀ / sqrt(hd)) v per head, then the output projection: [B, T, D] → [B, T, D].
    private string Attention(string x, string prefix)
    {
        int d = _vit.EmbedDim, heads = _vit.NumHeads, hd = d / heads;
        string qkv = Linear(x, prefix + "qkv.");
        // The fused qkv rows are [q; k; v], head-major within each (deit.py): split the last axis into three D-wide
        // parts.
        var qkvParts = _g.NodeWithOutputs("Split", [prefix + "q", prefix + "k", prefix + "v"],
            [qkv, _g.Int64(prefix + "qkv_sizes", [d, d, d], 3)], Int("axis", -1));
        string headShape = _g.Int64(prefix + "shape_heads", [0, 0, heads, hd], 4);
        // [B, T, D] → [B, H, T, hd] for q and v; k goes straight to [B, H, hd, T], the right operand of q kᵀ.
        string q = _g.Node("Transpose", prefix + "q_heads",
            [_g.Node("Reshape", prefix + "q_split", [qkvParts[0], headShape])], Ints("perm", 0, 2, 1, 3));
        string kT = _g.Node("Transpose", prefix + "k_heads_t",
            [_g.Node("Reshape", prefix + "k_split", [qkvParts[1], headShape])], Ints("perm", 0, 2, 3, 1));
        string v = _g.Node("Transpose", prefix + "v_heads",
            [_g.Node("Reshape", prefix + "v_split", [qkvParts[2], headShape])], Ints("perm", 0, 2, 1, 3));
        string scale = _g.Float(prefix + "scale", [(float)(1.0 / Math.Sqrt(hd))]);
        string scores = _g.Node("Mul", prefix + "scores", [_g.Node("MatMul", prefix + "qk", [q, kT]), scale]);
        string weights = _g.Node("Softmax", prefix + "weights", [scores], Int("axis", -1));
        string o = _g.Node("Transpose", prefix + "o_tokens", [_g.Node("MatMul", prefix + "o", [weights, v])],
            Ints("perm", 0, 2, 1, 3));
        string merged = _g.Node("Reshape", prefix + "o_merged", [o, _g.Int64(prefix + "shape_merge", [0, 0, d], 3)]);
        return Linear(merged, prefix + "proj.");
    }

    // fc1 → GELU(x) = x · ½ (1 + erf(x / √2)) (the exact form of torch's default gelu) → fc2. Spelled in the
    // order torch.onnx writes it, Div → Erf → Add → Mul(x) → Mul(½), the pattern ONNX Runtime fuses into one
    // Gelu kernel.
    private string Mlp(string x, string prefix)
    {
        string h = Linear(x, prefix + "fc1.");
        string erf = _g.Node("Erf", prefix + "erf",
            [_g.Node("Div", prefix + "scaled", [h, Constant(prefix + "sqrt2", (float)Math.Sqrt(2.0))])]);
        string onePlus = _g.Node("Add", prefix + "one_plus", [erf, Constant(prefix + "one", 1f)]);
        string gelu = _g.Node("Mul", prefix + "gelu",
            [_g.Node("Mul", prefix + "x_gate", [h, onePlus]), Constant(prefix + "half", 0.5f)]);
        return Linear(gelu, prefix + "fc2.");
    }

    private string LayerNorm(string x, string prefix, string? output = null)
    {
        string[] inputs = [x, Weight(prefix + "weight"), Weight(prefix + "bias")];
        var attributes = new[] { Int("axis", -1), Real("epsilon", (float)_vit.LayerNormEps) };
        return output is null
            ? _g.Node("LayerNormalization", prefix + "out", inputs, attributes)
            : _g.NodeWithOutput("LayerNormalization", output, inputs, attributes);
    }

    // y = x Wᵀ + b with Wᵀ stored as the initializer, so the MatMul needs no Transpose at run time.
    private string Linear(string x, string prefix)
    {
        var w = _weights[prefix + "weight"];
        using var t = w.t().contiguous();
        string wt = _g.Float(prefix + "weight_t", t.data<float>().ToArray(), t.shape);
        string y = _g.Node("MatMul", prefix + "matmul", [x, wt]);
        return _weights.ContainsKey(prefix + "bias") ? _g.Node("Add", prefix + "out", [y, Weight(prefix + "bias")]) : y;
    }

    // A stored parameter under its state-dict name, with its own shape.
    private string Weight(string key)
    {
        var t = _weights[key];
        return _g.Float(key, t.data<float>().ToArray(), t.shape);
    }

    private string Constant(string name, float value) => _g.Float(name, [value]);
}
