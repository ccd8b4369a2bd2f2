namespace MaskedSiamese.Evaluation;

/// <summary>Outcome of <see cref="LambdaSearch.CrossValidate"/>.</summary>
/// <param name="BestLambda">The λ with the best mean validation accuracy (ties: lowest validation loss).</param>
/// <param name="Folds">Number of folds used.</param>
/// <param name="Scores">One score per grid value, in grid order.</param>
public sealed record LambdaSearchResult(double BestLambda, int Folds, IReadOnlyList<LambdaScore> Scores);
