using MaskedSiamese.Engine;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MaskedSiamese.Models.Layers;

/// <summary>A pre-norm transformer block: x + DropPath(Attn(LN1(x))), then x + DropPath(MLP(LN2(x))).</summary>
public sealed class Block : nn.Module<Tensor, Tensor>
{
    private readonly double _eps;
    private readonly LayerNorm norm1;
    private readonly Attention attn;
    private readonly DropPath drop_path;
    private readonly LayerNorm norm2;
    private readonly Mlp mlp;

    /// <summary>Creates a block of width <paramref name="dim"/>.</summary>
    public Block(int dim, int numHeads, int mlpHidden, bool qkvBias, double eps, double dropPath) : base(nameof(Block))
    {
        _eps = eps;
        norm1 = nn.LayerNorm(dim, eps);
        attn = new Attention(dim, numHeads, qkvBias);
        drop_path = new DropPath(dropPath);
        norm2 = nn.LayerNorm(dim, eps);
        mlp = new Mlp(dim, mlpHidden);
        RegisterComponents();
    }

    /// <summary>The precision of the block's matrix products (float32 by default); set by the encoder.</summary>
    public Precision Precision
    {
        get => attn.Precision;
        set
        {
            attn.Precision = value;
            mlp.Precision = value;
        }
    }

    /// <summary>The generator of the block's stochastic depth (null: LibTorch's global one).</summary>
    internal Generator? DropPathGenerator
    {
        get => drop_path.Generator;
        set => drop_path.Generator = value;
    }

    /// <summary>[B, N, D] → [B, N, D].</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = Residual(x, attn.call(norm1.call(x)));
        return Residual(h, MlpBranch(h)).MoveToOuterDisposeScope();
    }

    // The branch output takes the stream in place: branch + x is x + branch to the bit, and no new token-width tensor
    // is written (an in-place add cost a third of an out-of-place one at [8320, 192]). The branch output is saved by
    // no backward (the products save their inputs), so autograd allows it; an alias from an identity DropPath would
    // be a view, whose in-place update autograd turns into extra copies, so the identity is skipped.
    private Tensor Residual(Tensor x, Tensor branch) =>
        (drop_path.IsIdentity ? branch : drop_path.call(branch)).add_(x, KeptScalars.One);

    // With gradients, the branch is one memory-lean autograd node (see MlpBranchFunction); without, plain modules.
    private Tensor MlpBranch(Tensor h)
    {
        if (!torch.is_grad_enabled()) return mlp.call(norm2.call(h));
        // The branch's compute dtype: the stream's own in fp32 (no cast at all), else the precision's.
        var compute = Precision == Precision.Fp32 ? h.dtype : Precision.ComputeType();
        return MlpBranchFunction.Apply(h, norm2.weight!, norm2.bias!, _eps, mlp.Fc1.weight!, mlp.Fc1.bias!,
            mlp.Fc2.weight!, mlp.Fc2.bias!, compute);
    }
}
