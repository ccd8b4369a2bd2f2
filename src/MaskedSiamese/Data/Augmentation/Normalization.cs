namespace MaskedSiamese.Data.Augmentation;

/// <summary>Per-channel standardisation, <c>(x − mean) / std</c>, as torchvision's <c>Normalize</c>.</summary>
public static class Normalization
{
    /// <summary>Standardises <paramref name="image"/> in place.</summary>
    /// <exception cref="ArgumentException">Mean or std does not have 3 values, or a std is not positive.</exception>
    public static void Apply(FloatImage image, IReadOnlyList<float> mean, IReadOnlyList<float> std)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Count != 3 || std.Count != 3 || std.Any(s => !(s > 0)))
            throw new ArgumentException("mean and std need 3 values each, std positive");
        for (int c = 0; c < 3; c++)
        {
            float m = mean[c], inv = 1f / std[c];
            foreach (ref float v in image.Plane(c)) v = (v - m) * inv;
        }
    }
}
