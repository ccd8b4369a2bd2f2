namespace MaskedSiamese.Evaluation;

/// <summary>All results of one feature set.</summary>
/// <param name="Name">The feature set's name.</param>
/// <param name="Dimension">Feature dimension D.</param>
/// <param name="Summaries">One summary per regime, in the order the regimes were first met.</param>
/// <param name="Runs">Every split's run.</param>
/// <param name="KnnAccuracy">k-NN test accuracy with all labels, when requested.</param>
public sealed record FeatureSetReport(string Name, int Dimension, IReadOnlyList<RegimeSummary> Summaries,
    IReadOnlyList<SplitRun> Runs, double? KnnAccuracy);
