using System.Text.Json.Serialization;

namespace MaskedSiamese.Classification;

/// <summary>How a <see cref="FewShotClassifier"/> was fitted; stored in its file.</summary>
/// <param name="Lambda">λ of the final fit (objective Σ CE + λ/2‖W‖², as <c>msn eval lowshot
/// --lambda</c>).</param>
/// <param name="LambdaChoice">How λ was chosen, in words (cross-validation, or the fallback and why).</param>
/// <param name="CrossValidatedAccuracy">Mean validation accuracy of the chosen λ (a fraction), or null without
/// cross-validation.</param>
/// <param name="Folds">Folds used (0 without cross-validation).</param>
/// <param name="Seed">Seed of the fold assignment.</param>
/// <param name="ClassCounts">Labelled images per class, in class order.</param>
/// <param name="TrainingAccuracy">Accuracy of the final fit on its own images (a fraction).</param>
/// <param name="Converged">Whether L-BFGS reached its gradient tolerance.</param>
/// <param name="Iterations">L-BFGS iterations of the final fit.</param>
/// <param name="Unreadable">Labelled files that could not be read (not used).</param>
/// <param name="Source">File name of the checkpoint the encoder came from.</param>
/// <param name="SourceSha256">SHA-256 of that checkpoint file, or null when not known.</param>
/// <param name="Seconds">Wall time of the fit, feature extraction included.</param>
/// <param name="FineTune">For a fine-tuned classifier (<c>msn finetune</c>), how it was trained; null for a head fitted
/// on frozen features. Absent from the files of frozen-feature fits, so those stay as they were and older readers,
/// which ignore unknown keys, read fine-tuned files too.</param>
public sealed record FewShotFitReport(
    [property: JsonPropertyName("lambda")] double Lambda,
    [property: JsonPropertyName("lambda_choice")] string LambdaChoice,
    [property: JsonPropertyName("cv_accuracy")] double? CrossValidatedAccuracy,
    [property: JsonPropertyName("folds")] int Folds,
    [property: JsonPropertyName("seed")] int Seed,
    [property: JsonPropertyName("class_counts")] IReadOnlyList<int> ClassCounts,
    [property: JsonPropertyName("train_accuracy")] double TrainingAccuracy,
    [property: JsonPropertyName("converged")] bool Converged,
    [property: JsonPropertyName("iterations")] int Iterations,
    [property: JsonPropertyName("unreadable")] int Unreadable,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("source_sha256")] string? SourceSha256,
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("fine_tune"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    FineTuneReport? FineTune = null);
