namespace MaskedSiamese.Selection;

/// <summary>Test accuracies (%) of classifiers fitted on the images one strategy chose, one per seed.</summary>
/// <param name="Features">The feature set (<c>msn</c>, <c>pixels</c>).</param>
/// <param name="Strategy">The strategy.</param>
/// <param name="Budget">Images labelled.</param>
/// <param name="Accuracies">Top-1 % on the test images, per seed.</param>
public sealed record SelectionScore(string Features, SelectionStrategy Strategy, int Budget,
    IReadOnlyList<double> Accuracies)
{
    /// <summary>Mean over the seeds.</summary>
    public double Mean => Accuracies.Average();

    /// <summary>Sample standard deviation over the seeds (0 for one seed).</summary>
    public double Std => Accuracies.Count < 2 ? 0
        : Math.Sqrt(Accuracies.Sum(a => (a - Mean) * (a - Mean)) / (Accuracies.Count - 1));
}
