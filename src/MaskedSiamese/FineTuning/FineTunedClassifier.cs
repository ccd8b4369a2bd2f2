using MaskedSiamese.Checkpoints;
using MaskedSiamese.Classification;
using MaskedSiamese.Data;
using MaskedSiamese.Engine;
using MaskedSiamese.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.FineTuning;

/// <summary>
/// Turns a finished fine-tuning task into the classifier <c>msn fit</c> writes: the fine-tuned trunk (built without
/// drop-path, for evaluation) and the head s·W, with a fit report that says it was fine-tuned. The training loss and
/// accuracy in the report are measured on the labelled images under the classifier's own evaluation transform, so
/// they describe the file, not the last augmented batch.
/// </summary>
internal static class FineTunedClassifier
{
    public static FewShotClassifier Build(FineTuneTask task, IImageSource labelled, int[] counts,
        (string Name, string? Sha256) source, TrainingOutcome outcome, FineTuneOptions options)
    {
        var encoder = task.Trunk.CreateEncoder();
        try
        {
            if (options.Device is { } device && device.type != DeviceType.CPU) encoder.to(device);
            var weights = StateDictLoader.Snapshot(task.Network.Encoder);
            try
            {
                StateDictLoader.Load(encoder, weights, "the fine-tuned encoder");
            }
            finally
            {
                foreach (var t in weights.Values) t.Dispose();
            }
            int classes = labelled.ClassNames.Count, dim = options.Features.Dimension(task.Trunk.Vit.EmbedDim);
            double[] head = task.Network.FoldedHead();
            var (loss, accuracy, gradient, n) = Evaluate(encoder, head, dim, classes, labelled, task, options);
            var fit = new LogisticRegressionFitInfo(0, loss * n, (int)outcome.StepsDone, gradient, outcome.Completed,
                outcome.Seconds);
            var tuned = new FineTuneReport(options.Recipe(), options.Epochs, outcome.StepsDone, task.BatchSize,
                outcome.Completed, task.LastLoss, loss, outcome.Seconds);
            var report = new FewShotFitReport(0, $"none: fine-tuned end to end (AdamW weight decay " +
                $"{options.WeightDecay} on the weights instead of λ)",
                null, 0, options.Seed, counts, accuracy, outcome.Completed, (int)outcome.StepsDone,
                labelled.SkippedCount, source.Name, source.Sha256, outcome.Seconds, tuned);
            return new FewShotClassifier(encoder, MultinomialLogisticRegression.FromWeights(head, dim, classes, fit),
                labelled.ClassNames.ToArray(), options.Features, task.Transform, report);
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
    }

    // Mean cross-entropy, accuracy and the largest entry of the mean cross-entropy's gradient in the head, all in
    // float64 on the classifier's own path (centred, normalised features times s·W), over the readable images.
    private static (double Loss, double Accuracy, double Gradient, int Count) Evaluate(Models.VisionTransformer encoder,
        double[] head, int dim, int classes, IImageSource labelled, FineTuneTask task, FineTuneOptions options)
    {
        using var table = FeatureExtractor.Extract(encoder, labelled, task.Transform,
            new FeatureExtractorOptions { Choice = options.Features, BatchSize = 64, Workers = options.Workers });
        using var scope = torch.NewDisposeScope();
        var x = FeaturePreprocessing.CenterAndNormalize(table.Features.to(float64).cpu());
        var w = torch.tensor(head, [dim, classes], float64);
        var labels = torch.tensor(table.Labels.Select(l => (long)l).ToArray());
        var logp = x.mm(w).log_softmax(1);
        double loss = logp.gather(1, labels.unsqueeze(1)).neg().mean().item<double>();
        double accuracy = logp.argmax(1).eq(labels).to(float64).mean().item<double>();
        var residual = logp.exp() - torch.nn.functional.one_hot(labels, classes).to(float64);
        using var count = table.Count.ToScalar();
        double gradient = x.t().mm(residual).div(count).abs().max().item<double>();
        return (loss, accuracy, gradient, table.Count);
    }
}
