using MaskedSiamese.Engine;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MaskedSiamese.Models.Layers;

/// <summary>Splits an image into non-overlapping patches and projects each to D: <c>Conv2d(3, D, p, stride p)</c>,
/// flattened to [B, N, D]. A side that is not a multiple of p loses its last pixels, as in the official code.</summary>
public sealed class PatchEmbed : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d proj;
    private readonly int _patchSize;

    /// <summary>Creates the embedding for patches of <paramref name="patchSize"/> pixels.</summary>
    public PatchEmbed(int patchSize, int embedDim, int inChannels = 3) : base(nameof(PatchEmbed))
    {
        _patchSize = patchSize;
        // TorchSharp's Conv2d initialisation indexes its weight for the fan-in and leaves that view to the GC; the
        // scope frees it (the layer's own parameters leave every scope as they are set).
        using (torch.NewDisposeScope())
            proj = nn.Conv2d(inChannels, embedDim, kernel_size: patchSize, stride: patchSize);
        RegisterComponents();
    }

    /// <summary>The projection (state-dict name <c>proj</c>).</summary>
    public Conv2d Projection => proj;

    /// <summary>The precision of the projection (float32 by default); set by the encoder.</summary>
    public Precision Precision { get; set; }

    /// <summary>[B, 3, H, W] → [B, (H/p)·(W/p), D], in the input's dtype.</summary>
    public override Tensor forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (Precision == Precision.Fp32)
        {
            using var y = proj.call(x);
            return y.flatten(2).transpose(1, 2);
        }

        // A patch convolution is a matrix product over 3·p² inputs: in the compute dtype, then back to the stream's.
        using var scope = NewDisposeScope();
        var ct = Precision.ComputeType();
        var low = nn.functional.conv2d(LowPrecision.Cast(x, ct), LowPrecision.Cast(proj.weight!, ct),
            proj.bias is null ? null : LowPrecision.Cast(proj.bias, ct), strides: [_patchSize, _patchSize]);
        return low.to(x.dtype).flatten(2).transpose(1, 2).MoveToOuterDisposeScope();
    }
}
