namespace MaskedSiamese.Data;

/// <summary>How <see cref="ImageFolderSource"/> finds and checks its images.</summary>
public sealed record ImageFolderOptions
{
    /// <summary>Where one warning line per skipped file goes; null drops them (the count is still kept).</summary>
    public TextWriter? Log { get; init; }

    /// <summary>
    /// Optional list file selecting a subset: one entry per line, either a path relative to the folder
    /// (<c>class_x/img1.jpg</c>) or a bare file name whose class is the prefix before its first <c>_</c>
    /// (<c>n01440764_10026.JPEG</c> ⇒ <c>n01440764/n01440764_10026.JPEG</c>, the official imagenet_subsets format).
    /// Blank lines and lines starting with <c>#</c> are ignored.
    /// </summary>
    public string? ListFile { get; init; }

    /// <summary>
    /// Fixed class names in label order (e.g. a validation split reusing the training split's); null takes the sorted
    /// subfolder names. Images in a folder not named here are skipped.
    /// </summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>
    /// Decode every image fully at construction instead of only its header: slower, but then
    /// <see cref="IImageSource.Count"/> also excludes files that are truncated after a valid header.
    /// </summary>
    public bool DecodeUpFront { get; init; }

    /// <summary>
    /// Largest image accepted, as width × height read from the file's header before decoding (default
    /// <see cref="ImageDecoder.DefaultMaxPixels"/>, 50 megapixels; at most <see cref="ImageDecoder.MaxPixelsLimit"/>).
    /// A larger image is skipped and counted like any unreadable file.
    /// </summary>
    public long MaxPixels { get; init; } = ImageDecoder.DefaultMaxPixels;
}
