namespace MaskedSiamese.Evaluation;

/// <summary>Settings of <see cref="LowShotProtocol.Run"/>: which splits, how λ is chosen, the solver. What to evaluate
/// on (data, features, transform, baselines) is <see cref="LowShotEvaluationOptions"/>'s.</summary>
public sealed record LowShotProtocolOptions
{
    /// <summary>Labelled images per class of the drawn splits (default 1, 2, 5, 10).</summary>
    public IReadOnlyList<int> Shots { get; init; } = LowShotSplits.DefaultShots;

    /// <summary>Percentages of every class to draw as well (e.g. 1 for the 1% regime); none by default.</summary>
    public IReadOnlyList<double> Percents { get; init; } = [];

    /// <summary>Seeds of the drawn splits, one split per seed and regime (default 0, 1, 2).</summary>
    public IReadOnlyList<int> Seeds { get; init; } = LowShotSplits.DefaultSeeds;

    /// <summary>Splits to use instead of drawing (e.g. from <see cref="LowShotSplits.ReadJson"/>).</summary>
    public IReadOnlyList<LabelledSplit>? GivenSplits { get; init; }

    /// <summary>Also fit on every training label (one run, regime <c>"all"</c>).</summary>
    public bool IncludeAllLabels { get; init; }

    /// <summary>Also report DINO's k-NN (k 20, T 0.07) with all training labels.</summary>
    public bool IncludeKnn { get; init; }

    /// <summary>Apply the official per-sample centring + L2 normalisation to both train and test features.</summary>
    public bool Preprocess { get; init; } = true;

    /// <summary>
    /// Choose λ per split by cross-validation on that split's labelled samples (<see cref="LambdaSearch"/>) when every
    /// class has at least 2 of them; otherwise, for the all-label run, and when false, <see cref="Solver"/>'s λ is
    /// used.
    /// </summary>
    public bool CrossValidateLambda { get; init; }

    /// <summary>λ grid of the cross-validation (default <see cref="LambdaSearch.GridFor"/> the split's
    /// size).</summary>
    public IReadOnlyList<double>? LambdaGrid { get; init; }

    /// <summary>Folds of the cross-validation (reduced to the shots per class when fewer).</summary>
    public int Folds { get; init; } = 5;

    /// <summary>Solver settings and the fixed λ (default 0.0025, the official README value).</summary>
    public LogisticRegressionOptions Solver { get; init; } = new();
}
