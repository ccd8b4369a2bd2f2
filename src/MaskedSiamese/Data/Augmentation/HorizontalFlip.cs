namespace MaskedSiamese.Data.Augmentation;

/// <summary>Mirrors an image left to right.</summary>
public static class HorizontalFlip
{
    /// <summary>Flips <paramref name="image"/> in place.</summary>
    public static void Apply(FloatImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        for (int r = 0; r < 3 * image.Height; r++) image.Data.AsSpan(r * image.Width, image.Width).Reverse();
    }
}
