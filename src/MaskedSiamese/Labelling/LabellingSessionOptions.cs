using MaskedSiamese.Evaluation;
using MaskedSiamese.Selection;

namespace MaskedSiamese.Labelling;

/// <summary>Settings of a <see cref="LabellingSession"/>.</summary>
public sealed record LabellingSessionOptions
{
    /// <summary>How the images to label next are chosen (density peaks, as <c>msn select</c>).</summary>
    public SelectionOptions Selection { get; init; } = new();

    /// <summary>λ of the refit after every answer (the official low-shot value; the export chooses λ by
    /// cross-validation, as <c>msn fit</c>).</summary>
    public double Lambda { get; init; } = LogisticRegressionOptions.DefaultLambda;

    /// <summary>Refuses impossible values.</summary>
    public void Validate()
    {
        Selection.Validate();
        if (!(Lambda > 0) || !double.IsFinite(Lambda)) throw new ArgumentException($"λ {Lambda}: must be > 0");
    }
}
