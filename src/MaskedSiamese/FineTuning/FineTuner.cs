using MaskedSiamese.Checkpoints;
using MaskedSiamese.Configuration;
using MaskedSiamese.Data;
using MaskedSiamese.Engine;
using MaskedSiamese.Evaluation;
using static TorchSharp.torch;

namespace MaskedSiamese.FineTuning;

/// <summary>
/// Fine-tunes a pretrained encoder and a linear head on labelled images (<c>msn finetune</c>): a
/// <see cref="FineTuneTask"/> on a <see cref="TrainingLoop"/> (logs, checkpoints, exact resume, a clean stop on
/// cancellation) writing into a run folder, then the same classifier as <c>msn fit</c> makes
/// (<see cref="Classification.FewShotClassifier"/>), whose file <c>msn predict</c> and
/// <see cref="Classification.FewShotClassifier.Load"/> read unchanged.
/// </summary>
public static class FineTuner
{
    /// <summary>The run's file tag: <c>{run}/finetune.csv</c>,
    /// <c>{run}/checkpoints/finetune-latest.safetensors</c>.</summary>
    public const string Tag = "finetune";

    /// <summary>
    /// Fine-tunes the target encoder of <paramref name="checkpointPath"/> (ours or an official <c>.pth.tar</c>) on the
    /// labelled images of <paramref name="labelledFolder"/> (one subfolder per class), writing logs and checkpoints
    /// to <paramref name="runFolder"/>; unreadable images are reported to <see cref="FineTuneOptions.Log"/> and left
    /// out.
    /// </summary>
    /// <exception cref="InvalidDataException">No class subfolders, fewer than two classes, or a class without a
    /// readable image.</exception>
    /// <exception cref="ArgumentException">An option is out of range (the message names it).</exception>
    public static FineTuneResult Run(string checkpointPath, string labelledFolder, string runFolder,
        FineTuneOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(checkpointPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(labelledFolder);
        options ??= new FineTuneOptions();
        options.Validate();
        var images = ImageFolderSource.Open(labelledFolder, new ImageFolderOptions { Log = options.Log });
        using var checkpoint = MsnCheckpoint.LoadAny(checkpointPath, options.NumHeads);
        var source = (Path.GetFileName(checkpointPath), FeatureCache.HashFile(checkpointPath));
        return Run(checkpoint, images, images.Root, runFolder, options, source, cancellation);
    }

    /// <summary>Fine-tunes the target encoder of <paramref name="checkpoint"/> on <paramref name="labelled"/> (every
    /// item labelled, at least one per class of its <see cref="IImageSource.ClassNames"/>).</summary>
    public static FineTuneResult Run(MsnCheckpoint checkpoint, IImageSource labelled, string runFolder,
        FineTuneOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(labelled);
        options ??= new FineTuneOptions();
        options.Validate();
        return Run(checkpoint, labelled, "the labelled images", runFolder, options, ("(in memory)", null),
            cancellation);
    }

    private static FineTuneResult Run(MsnCheckpoint checkpoint, IImageSource labelled, string name, string runFolder,
        FineTuneOptions options, (string Name, string? Sha256) source, CancellationToken cancellation)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runFolder);
        var counts = ClassCounts(labelled, name);
        int depth = checkpoint.Architecture.Vit.Depth;
        if (!options.Features.FinalNorm && options.Features.Blocks > depth)
            throw new FeatureChoiceException($"features {options.Features}: the encoder has only {depth} blocks");
        var transform = EvalTransformResolver.Resolve(checkpoint, options.TransformChoice);
        var context = StepContext.For(options.Device ?? CPU);
        using var task = new FineTuneTask(checkpoint, labelled, transform, options, context);
        var loop = new TrainingLoop(options.ToLoopOptions(runFolder), context);
        var outcome = loop.Run(task, options.Progress, cancellation);
        var classifier = outcome.Completed
            ? FineTunedClassifier.Build(task, labelled, counts, source, outcome, options)
            : null;
        return new FineTuneResult(outcome, classifier);
    }

    // The checks of msn fit, worded for the folder: two classes at least, each with a readable image.
    private static int[] ClassCounts(IImageSource labelled, string name)
    {
        var classes = labelled.ClassNames;
        if (classes.Count == 0)
            throw new InvalidDataException($"{name}: no class subfolders (fine-tuning needs one folder of " +
                $"images per class)");
        if (classes.Count < 2)
            throw new InvalidDataException($"{name}: only one class ('{classes[0]}'); a classifier needs at least 2 " +
                $"class subfolders");
        var counts = new int[classes.Count];
        for (int i = 0; i < labelled.Count; i++)
        {
            int label = labelled.Label(i);
            if (label < 0 || label >= classes.Count)
                throw new InvalidDataException($"{name}: every labelled image needs a class (a class subfolder)");
            counts[label]++;
        }
        int empty = Array.IndexOf(counts, 0);
        if (empty >= 0) throw new InvalidDataException($"{name}: class '{classes[empty]}' has no readable image");
        return counts;
    }
}
