using System.Text.Json.Serialization;

namespace MaskedSiamese.Classification;

/// <summary>How a classifier's encoder and head were fine-tuned (<c>msn finetune</c>); stored in its file's fit
/// report.</summary>
/// <param name="Recipe">The recipe in one line: epochs, batch, learning rates and schedule, layer decay, weight decay,
/// drop-path, label smoothing, augmentation, logit scale, seed, features.</param>
/// <param name="Epochs">Epochs of the schedule.</param>
/// <param name="Steps">Optimizer steps done (the schedule's length when <paramref name="Completed"/>).</param>
/// <param name="BatchSize">Images per step.</param>
/// <param name="Completed">Whether every scheduled step ran.</param>
/// <param name="LastStepLoss">The label-smoothed loss of the last step, on its augmented batch.</param>
/// <param name="TrainingLoss">Mean cross-entropy (no smoothing) of the final classifier on the labelled images, under
/// the classifier's own evaluation transform.</param>
/// <param name="Seconds">Training wall time of the invocation that completed the run.</param>
public sealed record FineTuneReport(
    [property: JsonPropertyName("recipe")] string Recipe,
    [property: JsonPropertyName("epochs")] int Epochs,
    [property: JsonPropertyName("steps")] long Steps,
    [property: JsonPropertyName("batch_size")] int BatchSize,
    [property: JsonPropertyName("completed")] bool Completed,
    [property: JsonPropertyName("last_step_loss")] double LastStepLoss,
    [property: JsonPropertyName("train_loss")] double TrainingLoss,
    [property: JsonPropertyName("seconds")] double Seconds);
