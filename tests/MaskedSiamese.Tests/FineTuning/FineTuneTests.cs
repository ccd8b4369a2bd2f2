using MaskedSiamese.Checkpoints;
using MaskedSiamese.Classification;
using MaskedSiamese.Data;
using MaskedSiamese.Diagnostics;
using MaskedSiamese.Engine;
using MaskedSiamese.FineTuning;
using MaskedSiamese.Tests.Evaluation;
using MaskedSiamese.Tests.Support;

namespace MaskedSiamese.Tests.FineTuning;

/// <summary>Fine-tuning a tiny encoder on a generated three-colour image set: the training loss falls, the training
/// images are learnt, the classifier file loads and predicts as the in-memory classifier; a run stopped mid-epoch and
/// resumed ends with exactly the weights and optimizer state of an uninterrupted run.</summary>
public sealed class FineTuneTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-finetune-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    // 12 images, 6 per batch: 2 steps per epoch. The tiny encoder learns fast at a higher rate than the default.
    private static FineTuneOptions Quick(int epochs) => new()
    {
        Epochs = epochs,
        BatchSize = 6,
        LearningRate = 5e-3,
        WarmupEpochs = 1,
        Threads = 1,
        CheckpointEvery = 2,
    };

    [Fact]
    public void Fine_tuning_learns_the_training_images_and_writes_a_classifier_that_loads_and_predicts()
    {
        string images = TinySetup.WriteImageFolder(_dir, trainPerClass: 4, valPerClass: 2);
        string checkpoint = TinySetup.WriteCheckpoint(_dir);
        string run = Path.Combine(_dir, "run"), file = Path.Combine(_dir, "tuned.msnc");
        var val = ImagePathSource.Open([Path.Combine(images, "val")]);
        ClassPredictions expected;
        // From a zero head, so that all the learning is this run's.
        using (var result = FineTuner.Run(checkpoint, Path.Combine(images, "train"), run,
            Quick(epochs: 30) with { ProbeHead = false }))
        {
            Assert.True(result.Outcome.Completed);
            Assert.Equal(60, result.Outcome.StepsDone);
            var classifier = result.Classifier!;
            Assert.Equal(["c0", "c1", "c2"], classifier.ClassNames);
            var report = classifier.Report;
            Assert.Equal([4, 4, 4], report.ClassCounts);
            Assert.True(report.TrainingAccuracy >= 0.99, $"training accuracy {report.TrainingAccuracy}");
            Assert.NotNull(report.FineTune);
            Assert.Equal(60, report.FineTune.Steps);
            Assert.Contains("layer decay 0.65", report.FineTune.Recipe);
            Assert.Contains("fine-tuned", report.LambdaChoice);
            expected = classifier.Predict(val);
            classifier.Save(file);
        }
        var log = RunLog.ReadCsv(Path.Combine(run, "finetune.csv"));
        double first = log[0]["loss"], last = log.TakeLast(6).Average(r => r["loss"]);
        Assert.True(last < 0.6 * first, $"loss {first} → {last}");
        Assert.True(File.Exists(Path.Combine(run, "loss_curve.png")));

        using var loaded = FewShotClassifier.Load(file);
        Assert.NotNull(loaded.Report.FineTune);
        var predicted = loaded.Predict(val);
        Assert.Equal(expected.Count, predicted.Count);
        for (int r = 0; r < expected.Count; r++)
            Assert.Equal(expected.Probabilities(r).ToArray(), predicted.Probabilities(r).ToArray());
    }

    [Fact]
    public void By_default_the_head_starts_from_the_linear_probe_of_msn_fit()
    {
        string images = Path.Combine(TinySetup.WriteImageFolder(_dir, trainPerClass: 3, valPerClass: 1), "train");
        using var checkpoint = MsnCheckpoint.LoadAny(TinySetup.WriteCheckpoint(_dir));
        var source = ImageFolderSource.Open(images);
        using var fitted = FewShotClassifier.Fit(checkpoint, source, new FewShotFitOptions { CrossValidate = false });
        using var task = new FineTuneTask(checkpoint, source, fitted.Transform, new FineTuneOptions(), StepContext.Cpu);
        task.Start(null);
        double[] expected = fitted.Head.Weights.ToArray(), actual = task.Network.FoldedHead();
        double scale = expected.Max(Math.Abs), worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(scale > 1, $"the probe's weights are tiny ({scale}): nothing would be compared");
        Assert.True(worst <= 1e-5 * scale, $"head differs from fit's by {worst} (scale {scale})");
        Assert.Equal(fitted.Report.TrainingAccuracy, task.ProbeAccuracy);
    }

    [Fact]
    public void A_run_stopped_mid_epoch_and_resumed_ends_with_the_weights_of_an_uninterrupted_run()
    {
        string images = Path.Combine(TinySetup.WriteImageFolder(_dir, trainPerClass: 4, valPerClass: 1), "train");
        string checkpoint = TinySetup.WriteCheckpoint(_dir);
        string whole = Path.Combine(_dir, "whole"), split = Path.Combine(_dir, "split");
        var options = Quick(epochs: 4);   // 8 steps; drop-path 0.1 and the crops draw random numbers every step
        double[] expectedHead;
        using (var uninterrupted = FineTuner.Run(checkpoint, images, whole, options))
            expectedHead = uninterrupted.Classifier!.Head.Weights.ToArray();

        using (var stopped = FineTuner.Run(checkpoint, images, split, options with { MaxSteps = 3 }))
        {
            Assert.False(stopped.Outcome.Completed);
            Assert.Equal(3, stopped.Outcome.StepsDone);
            Assert.Null(stopped.Classifier);
        }
        using (var resumed = FineTuner.Run(checkpoint, images, split, options with { Resume = true }))
        {
            Assert.True(resumed.Outcome.Completed);
            Assert.Equal(expectedHead, resumed.Classifier!.Head.Weights.ToArray());
        }
        AssertSameTensors(Latest(whole), Latest(split));
    }

    private static string Latest(string run) => Path.Combine(run, "checkpoints", $"{FineTuner.Tag}-latest.safetensors");

    /// <summary>Every tensor of two checkpoints (network and optimizer state) byte for byte.</summary>
    internal static void AssertSameTensors(string expectedPath, string actualPath)
    {
        var expected = SafetensorsFile.Read(expectedPath);
        var actual = SafetensorsFile.Read(actualPath);
        try
        {
            Assert.Equal(expected.Names.Order(), actual.Names.Order());
            Assert.Contains(expected.Names, n => n.StartsWith("model.encoder.blocks.0.", StringComparison.Ordinal));
            Assert.Contains(expected.Names, n => n.StartsWith("optimizer.", StringComparison.Ordinal));
            foreach (var name in expected.Names)
                Assert.True(expected[name].bytes.SequenceEqual(actual[name].bytes), $"{name} differs");
        }
        finally
        {
            foreach (var t in expected.Tensors.Values.Concat(actual.Tensors.Values)) t.Dispose();
        }
    }
}
