namespace MaskedSiamese.Models;

/// <summary>
/// The shape of a Vision Transformer trunk as the official MSN code builds it (<c>deit.py</c>): patch embedding,
/// a [CLS] token, learned positional embeddings for <see cref="ImageSize"/>, <see cref="Depth"/> pre-norm blocks and
/// a final LayerNorm.
/// </summary>
/// <param name="ImageSize">Side of the square input the positional embeddings are learned for (pixels).</param>
/// <param name="PatchSize">Side of a square patch (pixels).</param>
/// <param name="EmbedDim">Token width D.</param>
/// <param name="Depth">Number of transformer blocks.</param>
/// <param name="NumHeads">Attention heads per block; must divide <paramref name="EmbedDim"/>.</param>
/// <param name="MlpRatio">Hidden width of each block's MLP as a multiple of D (official: 4).</param>
/// <param name="QkvBias">Whether the qkv projection has a bias (official: true).</param>
/// <param name="LayerNormEps">Epsilon of every LayerNorm in the trunk (official: 1e-6).</param>
/// <param name="DropPathRate">Stochastic-depth rate of the last block, linearly increasing from 0 (official:
/// 0).</param>
public sealed record VitOptions(
    int ImageSize,
    int PatchSize,
    int EmbedDim,
    int Depth,
    int NumHeads,
    double MlpRatio = 4.0,
    bool QkvBias = true,
    double LayerNormEps = 1e-6,
    double DropPathRate = 0.0)
{
    /// <summary>Patches per side at <see cref="ImageSize"/>.</summary>
    public int GridSize => ImageSize / PatchSize;

    /// <summary>Patch tokens at <see cref="ImageSize"/> (the [CLS] token not counted).</summary>
    public int NumPatches => GridSize * GridSize;

    /// <summary>Width of each block's MLP hidden layer.</summary>
    public int MlpHiddenDim => (int)(EmbedDim * MlpRatio);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first impossible value.</summary>
    public void Validate()
    {
        // Upper bounds far above any real ViT (ViT-H: D 1280, depth 32) keep arithmetic on the sizes from overflowing.
        Require(ImageSize is > 0 and <= 16384, nameof(ImageSize), "must be in 1..16384");
        Require(PatchSize > 0 && PatchSize <= ImageSize, nameof(PatchSize), "must be in 1..ImageSize");
        Require(EmbedDim is > 0 and <= 65536, nameof(EmbedDim), "must be in 1..65536");
        Require(Depth is > 0 and <= 1024, nameof(Depth), "must be in 1..1024");
        Require(NumHeads > 0 && EmbedDim % NumHeads == 0, nameof(NumHeads), $"must divide EmbedDim ({EmbedDim})");
        Require(MlpRatio is > 0 and <= 64, nameof(MlpRatio), "must be in (0, 64]");
        Require(LayerNormEps > 0, nameof(LayerNormEps), "must be positive");
        Require(DropPathRate is >= 0 and < 1, nameof(DropPathRate), "must be in [0, 1)");
    }

    private void Require(bool ok, string name, string what)
    {
        if (!ok)
            throw new ArgumentException($"{name} {what} (got {GetType().GetProperty(name)!.GetValue(this)})", name);
    }
}
