namespace MaskedSiamese.Data.Augmentation;

/// <summary>ITU-R 601-2 luma (L = 0.299 R + 0.587 G + 0.114 B), the grayscale of PIL and torchvision.</summary>
public static class Grayscale
{
    /// <summary>Writes the luma of every pixel of <paramref name="image"/> into <paramref name="luma"/>.</summary>
    public static void Luma(FloatImage image, Span<float> luma)
    {
        ArgumentNullException.ThrowIfNull(image);
        var d = image.Data;
        int n = image.PlaneSize;
        for (int p = 0; p < n; p++) luma[p] = 0.299f * d[p] + 0.587f * d[n + p] + 0.114f * d[2 * n + p];
    }

    /// <summary>Replaces every channel of <paramref name="image"/> by its luma, in place.</summary>
    public static void Apply(FloatImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var r = image.Plane(0);
        Luma(image, r);
        r.CopyTo(image.Plane(1));
        r.CopyTo(image.Plane(2));
    }
}
