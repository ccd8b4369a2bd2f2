using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Evaluation;

/// <summary>
/// The official low-shot preprocessing, cyanure's <c>preprocess(X, centering=True, normalize=True, columns=False)</c>:
/// each sample (row) has its own mean over its features subtracted and is then scaled to unit L2 norm. It is a
/// per-sample operation, never a data-set statistic, so train and test features are processed independently.
/// </summary>
public static class FeaturePreprocessing
{
    /// <summary>
    /// Returns a new tensor [N, D] with every row centred on its own mean and L2-normalised. Rows that are constant
    /// (zero after centring) stay zero, as in cyanure, instead of becoming NaN.
    /// </summary>
    /// <param name="features">Features [N, D], any floating dtype; not modified.</param>
    public static Tensor CenterAndNormalize(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.ndim != 2)
            throw new ArgumentException($"features must be [N, D], got {Shape(features)}", nameof(features));
        using var scope = torch.NewDisposeScope();
        var centred = features - features.mean([1], keepdim: true);
        // Clamping the norm keeps constant rows at zero: cyanure skips their normalisation.
        using var tiny = 1e-12.ToScalar();
        var norm = centred.norm(1, keepdim: true).clamp_min(tiny);
        return (centred / norm).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Fashion-MNIST-style raw pixel features: bytes [N × D] scaled to [0, 1] as a float32 tensor [N, D], without the
    /// per-sample preprocessing (apply <see cref="CenterAndNormalize"/> for the official protocol).
    /// </summary>
    /// <param name="pixels">N images of D bytes each, image after image.</param>
    /// <param name="count">N, the number of images.</param>
    public static Tensor PixelFeatures(byte[] pixels, int count)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (pixels.Length % count != 0)
            throw new ArgumentException($"{pixels.Length} bytes do not split into {count} equal images",
                nameof(pixels));
        var values = new float[pixels.Length];
        for (int i = 0; i < values.Length; i++) values[i] = pixels[i] / 255f;
        return torch.tensor(values, [count, pixels.Length / count]);
    }

    internal static string Shape(Tensor t) => "[" + string.Join(", ", t.shape) + "]";
}
