namespace MaskedSiamese.Cli;

/// <summary>Feeds one stage's (done, total) reports of the feature extractor to a
/// <see cref="FeatureProgress"/>.</summary>
internal sealed class StageProgress(string stage, FeatureProgress inner) : IProgress<(int Done, int Total)>
{
    public void Report((int Done, int Total) value) => inner.Report((stage, value.Done, value.Total));
}
