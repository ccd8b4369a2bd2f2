namespace MaskedSiamese.Data;

/// <summary>An 8-bit RGB image, pixels interleaved row by row (HWC: R, G, B of pixel (0,0), then of (0,1),
/// …).</summary>
public sealed class RgbImage
{
    /// <summary>Wraps <paramref name="rgb"/> (not copied), which must hold <c>3 · width · height</c> bytes.</summary>
    /// <exception cref="ArgumentException">The sizes do not match.</exception>
    public RgbImage(int width, int height, byte[] rgb)
    {
        ArgumentNullException.ThrowIfNull(rgb);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (rgb.Length != 3L * width * height)
            throw new ArgumentException($"{rgb.Length} bytes for a {width}×{height} RGB image (expected " +
                $"{3L * width * height})", nameof(rgb));
        Width = width;
        Height = height;
        Rgb = rgb;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The pixels, HWC interleaved.</summary>
#pragma warning disable CA1819 // the point of the type is cheap access to its pixel buffer
    public byte[] Rgb { get; }
#pragma warning restore CA1819
}
