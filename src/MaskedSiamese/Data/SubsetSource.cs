namespace MaskedSiamese.Data;

/// <summary>A view of some items of another source, renumbered 0..n−1 in the order given.</summary>
public sealed class SubsetSource : IImageSource
{
    private readonly IImageSource _source;

    /// <summary>Creates the view of <paramref name="indices"/> (indices into <paramref name="source"/>).</summary>
    public SubsetSource(IImageSource source, IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(indices);
        foreach (int i in indices)
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)i, (uint)source.Count, nameof(indices));
        _source = source;
        Indices = indices;
    }

    /// <summary>The underlying index of each item.</summary>
    public IReadOnlyList<int> Indices { get; }

    /// <inheritdoc />
    public int Count => Indices.Count;

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames => _source.ClassNames;

    /// <inheritdoc />
    public int SkippedCount => _source.SkippedCount;

    /// <inheritdoc />
    public int Label(int index) => _source.Label(Indices[index]);

    /// <inheritdoc />
    public RgbImage? TryGet(int index) => _source.TryGet(Indices[index]);
}
