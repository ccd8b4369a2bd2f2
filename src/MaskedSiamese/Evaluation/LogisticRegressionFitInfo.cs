namespace MaskedSiamese.Evaluation;

/// <summary>How a <see cref="MultinomialLogisticRegression"/> fit ended.</summary>
/// <param name="Lambda">λ of the summed objective (see <see cref="LogisticRegressionOptions.Lambda"/>).</param>
/// <param name="Objective">Σᵢ CEᵢ + (λ/2)‖W‖²_F at the returned weights.</param>
/// <param name="Iterations">L-BFGS iterations done.</param>
/// <param name="GradientNorm">Largest gradient entry of the per-sample objective at the returned weights.</param>
/// <param name="Converged">Whether <see cref="GradientNorm"/> reached the tolerance.</param>
/// <param name="Seconds">Wall time of the fit.</param>
public sealed record LogisticRegressionFitInfo(
    double Lambda, double Objective, int Iterations, double GradientNorm, bool Converged, double Seconds);
