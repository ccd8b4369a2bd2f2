namespace MaskedSiamese.Evaluation;

/// <summary>One logistic-regression fit on one split, scored on the whole test set.</summary>
/// <param name="Regime">Regime of the split (<c>"1/class"</c>, <c>"1%"</c>, <c>"all"</c>, …).</param>
/// <param name="Seed">Seed (split number).</param>
/// <param name="Labelled">Number of labelled training samples.</param>
/// <param name="Lambda">λ used (fixed or chosen by cross-validation).</param>
/// <param name="Accuracy">Top-1 test accuracy, a fraction.</param>
/// <param name="Iterations">L-BFGS iterations.</param>
/// <param name="Converged">Whether the solver reached its gradient tolerance.</param>
/// <param name="FitSeconds">Time of the fit, plus the λ search when there was one.</param>
public sealed record SplitRun(string Regime, int Seed, int Labelled, double Lambda, double Accuracy, int Iterations,
    bool Converged, double FitSeconds);
