namespace MaskedSiamese.Labelling;

/// <summary>Where a labelling session stands.</summary>
/// <param name="Images">Images in the session.</param>
/// <param name="PerClass">Class answers per class, in class order.</param>
/// <param name="Skipped">Images answered "skip".</param>
/// <param name="NotSure">Images answered "not sure".</param>
/// <param name="ClassifierReady">Whether a classifier is fitted (class answers of at least two classes).</param>
/// <param name="FitMilliseconds">How long the last refit took.</param>
/// <param name="Version">Grows with every change of the answers.</param>
public sealed record LabellingStatus(int Images, IReadOnlyList<int> PerClass, int Skipped, int NotSure,
    bool ClassifierReady, double FitMilliseconds, long Version)
{
    /// <summary>Class answers in all.</summary>
    public int Labelled => PerClass.Sum();
}
