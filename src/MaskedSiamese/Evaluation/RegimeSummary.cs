namespace MaskedSiamese.Evaluation;

/// <summary>Accuracy over the splits of one regime: mean ± sample standard deviation (n − 1).</summary>
/// <param name="Regime">Regime name.</param>
/// <param name="ShotsPerClass">k for k-per-class regimes, else null.</param>
/// <param name="Percent">Percentage for percentage regimes (100 for <c>"all"</c>), else null.</param>
/// <param name="Splits">Number of splits.</param>
/// <param name="Mean">Mean test accuracy, a fraction.</param>
/// <param name="Std">Sample standard deviation of the accuracies (0 with one split).</param>
/// <param name="Lambdas">Distinct λ values used, ascending.</param>
/// <param name="MeanFitSeconds">Mean fit time per split.</param>
public sealed record RegimeSummary(string Regime, int? ShotsPerClass, double? Percent, int Splits, double Mean,
    double Std, IReadOnlyList<double> Lambdas, double MeanFitSeconds);
