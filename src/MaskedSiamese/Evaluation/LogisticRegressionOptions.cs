namespace MaskedSiamese.Evaluation;

/// <summary>Settings of <see cref="MultinomialLogisticRegression.Fit"/>.</summary>
public sealed record LogisticRegressionOptions
{
    /// <summary>The official low-shot value (the MSN README's <c>--lambd 0.0025</c>).</summary>
    public const double DefaultLambda = 0.0025;

    /// <summary>
    /// λ of the objective Σᵢ CEᵢ + (λ/2)‖W‖²_F, summed over the n labelled samples and NOT divided by n. It
    /// equals the official <c>--lambd</c> (which the official code divides by n for cyanure's mean objective) and
    /// scikit-learn's <c>C = 1/λ</c>. Larger is more regularisation; with few labels the best value is usually larger.
    /// </summary>
    public double Lambda { get; init; } = DefaultLambda;

    /// <summary>Iteration cap of L-BFGS; the fit reports <c>Converged = false</c> when it is reached.</summary>
    public int MaxIterations { get; init; } = 1000;

    /// <summary>
    /// Stop when the largest gradient entry of the per-sample objective (the summed objective divided by n) is at most
    /// this (scikit-learn's <c>tol</c> for <c>lbfgs</c> has the same meaning, default 1e-4).
    /// </summary>
    public double GradientTolerance { get; init; } = 1e-5;

    /// <summary>
    /// Precondition L-BFGS by whitening the features (<c>FeatureWhitening</c>: W = L⁻ᵀV with LLᵀ their second
    /// moment): the same optimum and the same stopping test on ∇_W, reached in far fewer iterations on anisotropic
    /// features (it is what makes the all-label fit on 60k encoder features converge). Null (default): whiten when
    /// there are at least <see cref="WhitenFromSamplesPerDimension"/> samples per dimension; below that the second
    /// moment is rank-deficient or poorly estimated and L-BFGS converges in tens of iterations anyway (the low-shot
    /// fits).
    /// </summary>
    public bool? Whiten { get; init; }

    /// <summary>Samples per feature dimension from which <see cref="Whiten"/> = null whitens.</summary>
    public const int WhitenFromSamplesPerDimension = 2;

    internal bool WhitenFor(long samples, long dimension) =>
        Whiten ?? samples >= WhitenFromSamplesPerDimension * dimension;

    /// <summary>Number of correction pairs L-BFGS keeps.</summary>
    public int HistorySize { get; init; } = 10;

    internal void Validate()
    {
        if (!(Lambda > 0) || !double.IsFinite(Lambda))
            throw new ArgumentOutOfRangeException(nameof(Lambda), Lambda, "λ must be positive and finite");
        ArgumentOutOfRangeException.ThrowIfNegative(MaxIterations);
        ArgumentOutOfRangeException.ThrowIfNegative(GradientTolerance);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(HistorySize);
    }
}
