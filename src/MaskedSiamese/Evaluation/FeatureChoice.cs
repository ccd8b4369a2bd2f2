using System.Globalization;
using MaskedSiamese.Models;
using static TorchSharp.torch;

namespace MaskedSiamese.Evaluation;

/// <summary>
/// Which encoder output serves as the feature of an image: the [CLS] token after the last <see cref="Blocks"/>
/// blocks before the final LayerNorm, concatenated (the official choice with one block), or the [CLS] token after
/// the final LayerNorm.
/// </summary>
/// <param name="FinalNorm">True: <see cref="VisionTransformer.ForwardFeatures"/>; false:
/// <see cref="VisionTransformer.ForwardBlocks"/>.</param>
/// <param name="Blocks">Blocks concatenated when <paramref name="FinalNorm"/> is false (≥ 1).</param>
public sealed record FeatureChoice(bool FinalNorm, int Blocks)
{
    /// <summary>The official low-shot features: the last block's [CLS], before the final LayerNorm.</summary>
    public static FeatureChoice LastBlock { get; } = new(false, 1);

    /// <summary>The [CLS] token after the final LayerNorm.</summary>
    public static FeatureChoice AfterFinalNorm { get; } = new(true, 1);

    /// <summary>Parses <c>last-block</c>, <c>final-norm</c> or <c>blocks:N</c>.</summary>
    /// <exception cref="ArgumentException">Anything else.</exception>
    public static FeatureChoice Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim().ToLowerInvariant();
        if (t == "last-block") return LastBlock;
        if (t == "final-norm") return AfterFinalNorm;
        if (t.StartsWith("blocks:", StringComparison.Ordinal) &&
            int.TryParse(t["blocks:".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1)
            return new FeatureChoice(false, n);
        throw new ArgumentException($"features '{text}': expected last-block, final-norm or blocks:N (N ≥ 1)");
    }

    /// <summary>The text <see cref="Parse"/> reads back.</summary>
    public override string ToString() => FinalNorm ? "final-norm"
        : Blocks == 1 ? "last-block" : string.Create(CultureInfo.InvariantCulture, $"blocks:{Blocks}");

    /// <summary>Feature width for an encoder of width D.</summary>
    public int Dimension(int embedDim) => FinalNorm ? embedDim : embedDim * Blocks;

    /// <summary>Runs <paramref name="encoder"/> on a batch [B, 3, H, W] and returns the chosen features [B,
    /// F].</summary>
    public Tensor Forward(VisionTransformer encoder, Tensor batch)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        return FinalNorm ? encoder.ForwardFeatures(batch) : encoder.ForwardBlocks(batch, Blocks);
    }
}
