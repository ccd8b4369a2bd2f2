namespace MaskedSiamese.Evaluation;

/// <summary>One representation's score in a <see cref="AllLabelsResult"/>.</summary>
/// <param name="Name">The representation (<c>msn</c>, <c>pixels</c>, <c>random-init</c>).</param>
/// <param name="Dimension">Feature width.</param>
/// <param name="Accuracy">Top-1 accuracy on the test set.</param>
/// <param name="FitSeconds">Time to fit and score.</param>
/// <param name="FeatureSeconds">Time to extract (or read from the cache) the features.</param>
public sealed record AllLabelsScore(string Name, int Dimension, double Accuracy, double FitSeconds,
    double FeatureSeconds);
