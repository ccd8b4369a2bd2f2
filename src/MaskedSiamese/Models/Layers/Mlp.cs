using MaskedSiamese.Engine;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MaskedSiamese.Models.Layers;

/// <summary>The block MLP: fc1 (D → hidden) → GELU (exact erf form) → fc2 (hidden → D).</summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear fc2;

    /// <summary>Creates the MLP.</summary>
    public Mlp(int dim, int hidden) : base(nameof(Mlp))
    {
        fc1 = nn.Linear(dim, hidden);
        fc2 = nn.Linear(hidden, dim);
        RegisterComponents();
    }

    /// <summary>The hidden layer (D → hidden).</summary>
    internal Linear Fc1 => fc1;

    /// <summary>The output layer (hidden → D).</summary>
    internal Linear Fc2 => fc2;

    /// <summary>The precision of the two products (float32 by default); set by the encoder.</summary>
    public Precision Precision { get; set; }

    /// <summary>[…, D] → […, D], in the input's dtype.</summary>
    public override Tensor forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (Precision != Precision.Fp32) return LowPrecisionForward(x);
        using var h = fc1.call(x);
        using var g = nn.functional.gelu(h);
        return fc2.call(g);
    }

    // As MlpBranchFunction in bf16: the hidden activation and its GELU stay bf16 between the two products.
    private Tensor LowPrecisionForward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var ct = Precision.ComputeType();
        var g = nn.functional.gelu(LowPrecision.Linear(x, fc1.weight!, fc1.bias, ct));
        return LowPrecision.LinearTo(g, fc2.weight!, fc2.bias, ct, x.dtype).MoveToOuterDisposeScope();
    }
}
