namespace MaskedSiamese.Selection;

/// <summary>Options of <see cref="LabelSelection.Choose"/>.</summary>
public sealed record SelectionOptions
{
    /// <summary>The strategy.</summary>
    public SelectionStrategy Strategy { get; init; } = SelectionStrategy.DensityPeaks;

    /// <summary>Seeds k-means++, the sample of density peaks' candidates and every random draw: the same seed,
    /// features and labels give the same choice.</summary>
    public long Seed { get; init; }

    /// <summary>Neighbours whose mean distance defines typicality and density (TypiClust's 20).</summary>
    public int Neighbours { get; init; } = 20;

    /// <summary>A cluster larger than this measures its members' neighbours among this many of its members, drawn
    /// at random (the time and memory of typicality then grow linearly with the number of images).</summary>
    public int ReferenceSample { get; init; } = 2000;

    /// <summary>Refuses impossible values.</summary>
    public void Validate()
    {
        if (Neighbours < 1) throw new ArgumentException($"selection neighbours {Neighbours}: must be ≥ 1");
        if (ReferenceSample < 2)
            throw new ArgumentException($"selection reference sample {ReferenceSample}: must be ≥ 2");
    }
}
