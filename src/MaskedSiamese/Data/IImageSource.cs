namespace MaskedSiamese.Data;

/// <summary>
/// A finite, indexable set of images with optional labels. Implementations must be safe to call from several threads at
/// once, because the loader decodes on background workers.
/// </summary>
public interface IImageSource
{
    /// <summary>Number of items (for folders: the images that passed the up-front check).</summary>
    int Count { get; }

    /// <summary>Class names in label order; empty for an unlabeled source.</summary>
    IReadOnlyList<string> ClassNames { get; }

    /// <summary>Items that could not be read, up front or later, each reported once through the source's log.</summary>
    int SkippedCount { get; }

    /// <summary>The label of item <paramref name="index"/> (an index into <see cref="ClassNames"/>), or −1 if
    /// unlabeled.</summary>
    int Label(int index);

    /// <summary>
    /// Decodes item <paramref name="index"/> to 8-bit RGB, or returns null when it cannot be decoded (a late failure,
    /// e.g. a file truncated after its header); such an item is counted in <see cref="SkippedCount"/> and logged once.
    /// </summary>
    RgbImage? TryGet(int index);

    /// <summary>Width × height of item <paramref name="index"/> as its header claims, or 0 when unknown or not worth
    /// reading (small in-memory images): what <see cref="DecodeBudget"/> is claimed by before decoding.</summary>
    long PixelCount(int index) => 0;
}
