using MaskedSiamese.Engine;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MaskedSiamese.Models.Layers;

/// <summary>
/// Multi-head self-attention with one fused qkv projection whose rows are ordered [q; k; v], head-major within each
/// (as the official <c>deit.py</c>), computed with the fused <c>scaled_dot_product_attention</c>.
/// </summary>
public sealed class Attention : nn.Module<Tensor, Tensor>
{
    private readonly Linear qkv;
    private readonly Linear proj;
    private readonly int _numHeads;

    /// <summary>Creates the layer for width <paramref name="dim"/> split into <paramref name="numHeads"/>
    /// heads.</summary>
    public Attention(int dim, int numHeads, bool qkvBias) : base(nameof(Attention))
    {
        _numHeads = numHeads;
        qkv = nn.Linear(dim, dim * 3, hasBias: qkvBias);
        proj = nn.Linear(dim, dim);
        RegisterComponents();
    }

    /// <summary>The precision of the projections and the attention products (float32 by default); set by the
    /// encoder.</summary>
    public Precision Precision { get; set; }

    /// <summary>[B, N, D] → [B, N, D], in the input's dtype.</summary>
    public override Tensor forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        using var scope = NewDisposeScope();
        long b = x.shape[0], n = x.shape[1], d = x.shape[2];
        bool low = Precision != Precision.Fp32;
        var ct = Precision.ComputeType();
        // In bf16, q, k and v stay bf16 into the attention products; only the output projection's result returns to
        // the float32 residual stream.
        var packed = low ? LowPrecision.Linear(x, qkv.weight!, qkv.bias, ct) : qkv.call(x);
        // unbind, not three indexings: its backward stacks the three gradients in one pass, where each indexing's
        // backward filled a zero tensor of the whole qkv size and autograd then added the three (~5% of a step).
        var parts = packed.reshape(b, n, 3, _numHeads, d / _numHeads).permute(2, 0, 3, 1, 4).unbind(0);
        var (q, k, v) = (parts[0], parts[1], parts[2]);
        // Default scale 1/sqrt(head_dim), as the official softmax(q kᵀ · hd^-0.5).
        var o = low ? LowPrecision.Attention(q, k, v) : nn.functional.scaled_dot_product_attention(q, k, v);
        var merged = o.transpose(1, 2).reshape(b, n, d);
        var y = low ? LowPrecision.LinearTo(merged, proj.weight!, proj.bias, ct, x.dtype) : proj.call(merged);
        return y.MoveToOuterDisposeScope();
    }
}
