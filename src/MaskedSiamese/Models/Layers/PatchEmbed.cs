using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MaskedSiamese.Models.Layers;

/// <summary>Splits an image into non-overlapping patches and projects each to D: <c>Conv2d(3, D, p, stride p)</c>,
/// flattened to [B, N, D]. A side that is not a multiple of p loses its last pixels, as in the official code.</summary>
public sealed class PatchEmbed : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d proj;

    /// <summary>Creates the embedding for patches of <paramref name="patchSize"/> pixels.</summary>
    public PatchEmbed(int patchSize, int embedDim, int inChannels = 3) : base(nameof(PatchEmbed))
    {
        proj = nn.Conv2d(inChannels, embedDim, kernel_size: patchSize, stride: patchSize);
        RegisterComponents();
    }

    /// <summary>The projection (state-dict name <c>proj</c>).</summary>
    public Conv2d Projection => proj;

    /// <summary>[B, 3, H, W] → [B, (H/p)·(W/p), D].</summary>
    public override Tensor forward(Tensor x)
    {
        using var y = proj.call(x);
        return y.flatten(2).transpose(1, 2);
    }
}
