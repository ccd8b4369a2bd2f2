namespace MaskedSiamese.Data;

/// <summary>
/// Fashion-MNIST read from its IDX files (<c>train-images-idx3-ubyte[.gz]</c>, <c>train-labels-idx1-ubyte[.gz]</c>,
/// <c>t10k-…</c>): 60k training and 10k test images of 28×28 gray pixels with labels 0–9, held in memory as bytes.
/// </summary>
public sealed class FashionMnist
{
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package puts the files.</summary>
    public const string DebianFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>The canonical download location of the IDX files.</summary>
    public const string DownloadUrl = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";

    /// <summary>Class names in label order.</summary>
    public static readonly IReadOnlyList<string> ClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    private FashionMnist(byte[] pixels, byte[] labels, int count, int height, int width,
        IReadOnlyList<string> sourceFiles)
    {
        SourceFiles = sourceFiles;
        Pixels = pixels;
        Labels = labels;
        Count = count;
        Height = height;
        Width = width;
    }

    /// <summary>All pixels, image after image, row-major
    /// (<see cref="Count"/> × <see cref="Height"/> × <see cref="Width"/>).</summary>
    public byte[] Pixels { get; }

    /// <summary>One label (0–9) per image.</summary>
    public byte[] Labels { get; }

    /// <summary>The images and labels files this split was read from (full paths).</summary>
    public IReadOnlyList<string> SourceFiles { get; }

    /// <summary>Number of images.</summary>
    public int Count { get; }

    /// <summary>Image height in pixels (28).</summary>
    public int Height { get; }

    /// <summary>Image width in pixels (28).</summary>
    public int Width { get; }

    /// <summary>The pixels of image <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Image(int index) => Pixels.AsSpan(index * Height * Width, Height * Width);

    /// <summary>
    /// Loads the training (<paramref name="train"/> = true) or test split from <paramref name="folder"/>
    /// (default: <c>MSN_FASHION_MNIST</c>, then <see cref="DebianFolder"/>). Plain and gzipped files both work.
    /// </summary>
    /// <exception cref="FileNotFoundException">The files are absent; the message says how to get them.</exception>
    /// <exception cref="InvalidDataException">A file is not a valid IDX file (bad or short header, non-positive or
    /// oversized dimensions, wrong length, labels outside 0–9); the message names the file.</exception>
    public static FashionMnist Load(string? folder = null, bool train = true)
    {
        folder ??= Environment.GetEnvironmentVariable("MSN_FASHION_MNIST") is { Length: > 0 } env ? env : DebianFolder;
        string prefix = train ? "train" : "t10k";
        string images = Find(folder, $"{prefix}-images-idx3-ubyte");
        string labels = Find(folder, $"{prefix}-labels-idx1-ubyte");
        var (pix, dims) = IdxFile.Read(images, 3);
        var (lab, ldims) = IdxFile.Read(labels, 1);
        if (ldims[0] != dims[0])
            throw new InvalidDataException($"{labels}: {ldims[0]} labels for {dims[0]} images in {images}");
        int bad = Array.FindIndex(lab, l => l >= ClassNames.Count);
        if (bad >= 0)
            throw new InvalidDataException($"{labels}: label {lab[bad]} of image {bad} is not a class " +
                $"(0–{ClassNames.Count - 1})");
        return new FashionMnist(pix, lab, dims[0], dims[1], dims[2],
            [Path.GetFullPath(images), Path.GetFullPath(labels)]);
    }

    /// <summary>Whether the files are present in <paramref name="folder"/> (default as in
    /// <see cref="Load"/>).</summary>
    public static bool IsAvailable(string? folder = null)
    {
        folder ??= Environment.GetEnvironmentVariable("MSN_FASHION_MNIST") is { Length: > 0 } env ? env : DebianFolder;
        return TryFind(folder, "train-images-idx3-ubyte") is not null;
    }

    private static string Find(string folder, string name) =>
        TryFind(folder, name) ?? throw new FileNotFoundException(
            $"Fashion-MNIST file {name}[.gz] not found in {folder}: install the Debian package dataset-fashion-mnist " +
            $"(sudo apt-get install dataset-fashion-mnist) or download the four IDX files from {DownloadUrl} into a " +
            "folder and name it with --data or MSN_FASHION_MNIST");

    private static string? TryFind(string folder, string name)
    {
        foreach (var candidate in new[] { name, name + ".gz" })
        {
            string p = Path.Combine(folder, candidate);
            if (File.Exists(p)) return p;
        }
        return null;
    }
}
