namespace MaskedSiamese.Data.Augmentation;

/// <summary>
/// A 3-channel float image stored planar (CHW: all R, then all G, then all B), values nominally in [0, 1]; the
/// working format of the augmentations, laid out as the batch tensors are so a view is copied in one block.
/// </summary>
public sealed class FloatImage
{
    /// <summary>A black image.</summary>
    public FloatImage(int width, int height)
        : this(width, height, new float[3 * width * height])
    {
    }

    /// <summary>Wraps <paramref name="data"/> (not copied), <c>3 · width · height</c> floats in CHW order.</summary>
    /// <exception cref="ArgumentException">The sizes do not match.</exception>
    public FloatImage(int width, int height, float[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (data.Length != 3 * width * height)
            throw new ArgumentException($"{data.Length} floats for a 3×{height}×{width} image", nameof(data));
        Width = width;
        Height = height;
        Data = data;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Pixels per channel.</summary>
    public int PlaneSize => Width * Height;

    /// <summary>The values, CHW.</summary>
#pragma warning disable CA1819 // the point of the type is cheap access to its buffer
    public float[] Data { get; }
#pragma warning restore CA1819

    /// <summary>Channel <paramref name="c"/> (0 = R, 1 = G, 2 = B).</summary>
    public Span<float> Plane(int c) => Data.AsSpan(c * PlaneSize, PlaneSize);

    /// <summary>The value at channel <paramref name="c"/>, row <paramref name="y"/>, column
    /// <paramref name="x"/>.</summary>
    public float this[int c, int y, int x]
    {
        get => Data[(c * Height + y) * Width + x];
        set => Data[(c * Height + y) * Width + x] = value;
    }

    /// <summary>Converts 8-bit RGB to [0, 1] floats (÷255, as torchvision's <c>ToTensor</c>).</summary>
    public static FloatImage FromRgb(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var result = new FloatImage(image.Width, image.Height);
        int n = result.PlaneSize;
        var rgb = image.Rgb;
        var d = result.Data;
        for (int p = 0; p < n; p++)
        {
            d[p] = rgb[3 * p] * (1f / 255f);
            d[n + p] = rgb[3 * p + 1] * (1f / 255f);
            d[2 * n + p] = rgb[3 * p + 2] * (1f / 255f);
        }
        return result;
    }

    /// <summary>A deep copy.</summary>
    public FloatImage Clone() => new(Width, Height, (float[])Data.Clone());
}
