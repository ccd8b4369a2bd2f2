namespace MaskedSiamese.Diagnostics;

/// <summary>Settings of <see cref="Tsne"/>; the defaults are van der Maaten's and scikit-learn's (perplexity 30,
/// early exaggeration 12 for the first 250 iterations, momentum 0.5 then 0.8), with fewer iterations in all (500, not
/// 1,000): a picture of a run, not a publication figure.</summary>
public sealed record TsneOptions
{
    /// <summary>The effective number of neighbours each point's affinities spread over (30); lowered to a third of
    /// the other points (at least 1) when there are fewer than 91.</summary>
    public double Perplexity { get; init; } = 30;

    /// <summary>Principal components kept before the affinities are computed (50): faster, and less noise in the
    /// distances.</summary>
    public int PcaDimensions { get; init; } = 50;

    /// <summary>Gradient iterations in all (500).</summary>
    public int Iterations { get; init; } = 500;

    /// <summary>The first iterations, with the affinities multiplied by <see cref="Exaggeration"/> (250): clusters
    /// form and move apart before the fine structure settles.</summary>
    public int ExaggerationIterations { get; init; } = 250;

    /// <summary>The early exaggeration factor (12).</summary>
    public double Exaggeration { get; init; } = 12;

    /// <summary>Step size; 0 (the default) is scikit-learn's "auto", max(N / exaggeration / 4, 50).</summary>
    public double LearningRate { get; init; }

    /// <summary>Seeds the random start: the same seed on the same points gives the same map.</summary>
    public long Seed { get; init; }
}
