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

    /// <summary>Creates the layer for width <paramref name="dim"/> split into <paramref name="numHeads"/> heads.</summary>
    public Attention(int dim, int numHeads, bool qkvBias) : base(nameof(Attention))
    {
        _numHeads = numHeads;
        qkv = nn.Linear(dim, dim * 3, hasBias: qkvBias);
        proj = nn.Linear(dim, dim);
        RegisterComponents();
    }

    /// <summary>[B, N, D] → [B, N, D].</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], n = x.shape[1], d = x.shape[2];
        var parts = qkv.call(x).reshape(b, n, 3, _numHeads, d / _numHeads).permute(2, 0, 3, 1, 4);
        var q = parts[0];
        var k = parts[1];
        var v = parts[2];
        // Default scale 1/sqrt(head_dim), as the official softmax(q kᵀ · hd^-0.5).
        var o = nn.functional.scaled_dot_product_attention(q, k, v);
        return proj.call(o.transpose(1, 2).reshape(b, n, d)).MoveToOuterDisposeScope();
    }
}
