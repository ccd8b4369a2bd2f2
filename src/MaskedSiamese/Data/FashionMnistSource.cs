namespace MaskedSiamese.Data;

/// <summary>Fashion-MNIST as an <see cref="IImageSource"/>: each 28×28 gray image replicated to three
/// channels.</summary>
public sealed class FashionMnistSource : IImageSource
{
    private readonly FashionMnist _data;

    /// <summary>Wraps already loaded data.</summary>
    public FashionMnistSource(FashionMnist data)
    {
        ArgumentNullException.ThrowIfNull(data);
        _data = data;
    }

    /// <summary>Loads a split as <see cref="FashionMnist.Load"/> does.</summary>
    public static FashionMnistSource Load(string? folder = null, bool train = true) =>
        new(FashionMnist.Load(folder, train));

    /// <summary>The IDX files the images and labels came from.</summary>
    public IReadOnlyList<string> SourceFiles => _data.SourceFiles;

    /// <inheritdoc/>
    public int Count => _data.Count;

    /// <inheritdoc/>
    public IReadOnlyList<string> ClassNames => FashionMnist.ClassNames;

    /// <inheritdoc/>
    public int SkippedCount => 0;

    /// <inheritdoc/>
    public int Label(int index) => _data.Labels[index];

    /// <inheritdoc/>
    public RgbImage? TryGet(int index)
    {
        var gray = _data.Image(index);
        var rgb = new byte[gray.Length * 3];
        for (int i = 0; i < gray.Length; i++)
        {
            byte v = gray[i];
            rgb[3 * i] = v;
            rgb[3 * i + 1] = v;
            rgb[3 * i + 2] = v;
        }
        return new RgbImage(_data.Width, _data.Height, rgb);
    }
}
