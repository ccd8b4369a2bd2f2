namespace MaskedSiamese.Evaluation;

/// <summary>Cross-validated quality of one λ.</summary>
/// <param name="Lambda">λ of the summed objective.</param>
/// <param name="MeanAccuracy">Validation accuracy averaged over the folds.</param>
/// <param name="MeanLoss">Validation cross-entropy per sample averaged over the folds (the tie-breaker).</param>
public sealed record LambdaScore(double Lambda, double MeanAccuracy, double MeanLoss);
