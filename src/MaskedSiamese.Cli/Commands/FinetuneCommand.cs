using System.CommandLine;
using System.Globalization;
using MaskedSiamese.Classification;
using MaskedSiamese.FineTuning;
using MaskedSiamese.IO;

namespace MaskedSiamese.Cli.Commands;

/// <summary><c>msn finetune</c>: full fine-tuning of a checkpoint's encoder with a linear head on a labelled folder,
/// written as the same classifier file as <c>msn fit</c>.</summary>
internal static class FinetuneCommand
{
    private static readonly FineTuneOptions Defaults = new();

    // The library names a bad value by its property; the user typed an option.
    private static readonly Dictionary<string, string> Flags = new(StringComparer.Ordinal)
    {
        ["Epochs"] = "--epochs",
        ["BatchSize"] = "--batch-size",
        ["LearningRate"] = "--lr",
        ["MinLearningRate"] = "--min-lr",
        ["WarmupEpochs"] = "--warmup-epochs",
        ["LayerDecay"] = "--layer-decay",
        ["WeightDecay"] = "--weight-decay",
        ["DropPath"] = "--drop-path",
        ["LabelSmoothing"] = "--label-smoothing",
        ["CropScale"] = "--min-crop-scale",
        ["LogitScale"] = "--logit-scale",
        ["ProbeLambda"] = "--probe-lambda",
        ["CheckpointEvery"] = "--checkpoint-every",
        ["MaxSteps"] = "--max-steps",
        ["Threads"] = "--threads",
    };

    public static Command Create()
    {
        var o = new FinetuneArguments();
        var command = new Command("finetune",
            "Fine-tune a checkpoint's whole encoder with a linear head on labelled images (AdamW, layer-wise lr " +
            "decay, drop-path, label smoothing, warm-up + cosine, random resized crop + flip; no mixup/cutmix) and " +
            "write the same classifier file as msn fit. Defaults, the paper's recipe scaled to a few images on a " +
            "CPU: " + Defaults.Recipe() + ". " +
            "Logs and checkpoints go to --run-dir; Ctrl-C or SIGTERM stops after the current step with a " +
            "checkpoint (exit 130/143), and --resume continues bit for bit (also after kill -9).");
        foreach (var option in o.All) command.Options.Add(option);
        command.SetAction((parse, cancellation) => Task.FromResult(Run(parse, o, cancellation)));
        return command;
    }

    private static int Run(ParseResult parse, FinetuneArguments o, CancellationToken cancellation)
    {
        using var signals = new StopSignals(cancellation);
        var output = parse.GetValue(o.Output)!.FullName;
        AtomicFile.RequireWritable(output);   // before the training, not after it
        string runFolder = Path.GetFullPath(
            parse.GetValue(o.RunDir) ?? Path.ChangeExtension(output, null) + ".finetune");
        if (parse.GetValue(o.Resume) && parse.GetValue(o.Overwrite))
            throw new UserInputException("--resume and --overwrite: choose one (continue the run, or start over)");
        var options = o.ToLibrary(parse) with { Log = Console.Error, Progress = new ProgressBar() };
        try
        {
            options.Validate();
        }
        catch (FineTuneOptionException e)
        {
            throw new UserInputException(
                Flags.TryGetValue(e.Property, out var flag) ? $"{flag} {e.Problem}" : e.Message);
        }
        Console.WriteLine($"Fine-tuning → {runFolder}");
        Console.WriteLine($"  recipe    {options.Recipe()}");
        using var result = FineTuner.Run(parse.GetValue(o.Checkpoint)!.FullName, parse.GetValue(o.Data)!, runFolder,
            options, signals.Token);
        var outcome = result.Outcome;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(outcome.Completed ? "Finished" : "Stopped")} at step {outcome.StepsDone} in {outcome.Seconds:F0} s " +
            $"({outcome.MeanStepMilliseconds:F0} ms/step). Checkpoint: {outcome.LatestCheckpoint}"));
        if (result.Classifier is not { } classifier)
        {
            Console.WriteLine("No classifier yet: continue with the same command and --resume.");
            return signals.ExitCode ?? 0;
        }
        classifier.Save(output);
        Print(classifier, output);
        return signals.ExitCode ?? 0;
    }

    private static void Print(FewShotClassifier classifier, string path)
    {
        var r = classifier.Report;
        var t = r.FineTune!;
        var counts = string.Join(", ", classifier.ClassNames.Select((n, i) => $"{n} {r.ClassCounts[i]}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{classifier.ClassNames.Count} classes, {r.ClassCounts.Sum()} labelled images ({counts})" +
            $"{(r.Unreadable > 0 ? $"; {r.Unreadable} unreadable skipped" : "")}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"training accuracy {100 * r.TrainingAccuracy:F1} %, training loss {t.TrainingLoss:F4} (evaluation " +
            $"transform, no smoothing); last step's loss {t.LastStepLoss:F4}"));
        Console.WriteLine(
            $"features {classifier.Features}, transform {classifier.Transform.DescribeSettings()}");
        Console.WriteLine($"classifier → {path}");
    }
}
