using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Models.Layers;

/// <summary>Stochastic depth: in training, zeroes a residual branch per sample with probability p and rescales the
/// survivors by 1/(1−p); the identity in evaluation or when p = 0 (the official default).</summary>
public sealed class DropPath : nn.Module<Tensor, Tensor>
{
    private readonly double _p;

    /// <summary>Creates the layer with drop probability <paramref name="p"/>.</summary>
    public DropPath(double p) : base(nameof(DropPath)) => _p = p;

    /// <summary>The generator the drop is drawn from; null draws from LibTorch's process-wide one, which anything else
    /// in the process (another thread, another model) can move.</summary>
    internal Generator? Generator { get; set; }

    /// <summary>Whether the layer passes its input through unchanged (p = 0, or evaluation).</summary>
    internal bool IsIdentity => _p == 0 || !training;

    /// <summary>Applies the per-sample drop.</summary>
    public override Tensor forward(Tensor x)
    {
        if (IsIdentity) return x.alias();
        using var scope = NewDisposeScope();
        var shape = new long[x.dim()];
        Array.Fill(shape, 1L);
        shape[0] = x.shape[0];
        using var kept = (1 - _p).ToScalar();
        var keep = torch.empty(shape, x.dtype, x.device).bernoulli_(1 - _p, Generator).div_(kept);
        return (x * keep).MoveToOuterDisposeScope();
    }
}
