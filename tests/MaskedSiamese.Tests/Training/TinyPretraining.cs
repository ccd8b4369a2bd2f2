using MaskedSiamese.Checkpoints;
using MaskedSiamese.Data;
using MaskedSiamese.Engine;
using MaskedSiamese.Loss;
using MaskedSiamese.Models;
using MaskedSiamese.Training;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.Training;

/// <summary>A pretraining run small enough for a test: 1-block ViT of width 32 on 16 px views, 2 epochs of the
/// loader's batches, tag <c>tiny</c>, one thread, a checkpoint every 2 steps, a log row every step.</summary>
internal sealed record TinyPretraining
{
    public MsnRecipe Recipe { get; init; } = new()
    {
        Architecture = new EncoderArchitecture(new VitOptions(16, 4, 32, 1, 2), new ProjectionHeadOptions(32, 16), 16),
        Loss = new MsnLossOptions(),
        Schedule = new ScheduleSettings(2, 1)
        {
            WarmupEpochs = 0.5,
            StartLearningRate = 1e-4,
            ReferenceLearningRate = 1e-3,
        },
        PatchDrop = 0.25,
        Seed = 7,
        ConfigText = "meta: {}\n",
    };

    public TrainingLoopOptions Loop { get; init; } = new()
    {
        Tag = "tiny",
        Threads = 1,
        CheckpointEvery = 2,
        LogEvery = 1,
        TensorBoard = false,
    };

    public Precision Precision { get; init; } = Precision.Fp32;

    /// <summary>This run stopped after <paramref name="steps"/> steps.</summary>
    public TinyPretraining StoppingAt(long? steps) => this with { Loop = Loop with { MaxSteps = steps } };

    /// <summary>Trains into <paramref name="runFolder"/> on one process, an epoch being the loader's batches.</summary>
    public TrainingOutcome Run(MultiViewLoader loader, string runFolder, bool resume = false,
        MsnCheckpoint? initFrom = null)
    {
        var recipe = Recipe with { Schedule = Recipe.Schedule with { IterationsPerEpoch = loader.BatchesPerEpoch } };
        return MsnPretraining.Train(recipe, Loop with { RunFolder = runFolder, Resume = resume },
            new StepContext(CPU, Precision, SingleProcessCollective.Instance), loader, initFrom);
    }
}
