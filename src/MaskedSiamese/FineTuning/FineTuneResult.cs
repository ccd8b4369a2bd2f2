using MaskedSiamese.Classification;
using MaskedSiamese.Engine;

namespace MaskedSiamese.FineTuning;

/// <summary>How a fine-tuning run ended and, when it ran to the end of its schedule, the classifier it made.</summary>
public sealed class FineTuneResult : IDisposable
{
    internal FineTuneResult(TrainingOutcome outcome, FewShotClassifier? classifier)
    {
        Outcome = outcome;
        Classifier = classifier;
    }

    /// <summary>Steps done, whether the schedule completed, the latest checkpoint, timings.</summary>
    public TrainingOutcome Outcome { get; }

    /// <summary>The fine-tuned classifier (save it with <see cref="FewShotClassifier.Save"/>), or null when the run
    /// stopped early (cancelled or at <see cref="FineTuneOptions.MaxSteps"/>): resume it to get one.</summary>
    public FewShotClassifier? Classifier { get; }

    /// <inheritdoc />
    public void Dispose() => Classifier?.Dispose();
}
