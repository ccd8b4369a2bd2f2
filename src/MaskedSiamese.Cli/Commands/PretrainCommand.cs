using System.CommandLine;
using System.Globalization;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Configuration;
using MaskedSiamese.Data;
using MaskedSiamese.Engine;
using MaskedSiamese.Evaluation;
using MaskedSiamese.IO;
using MaskedSiamese.Models;
using MaskedSiamese.Selection;
using MaskedSiamese.Training;

namespace MaskedSiamese.Cli.Commands;

/// <summary><c>msn pretrain</c>: MSN pretraining from a recipe, then (by default) the low-shot evaluation.</summary>
internal static class PretrainCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config")
        {
            Description = $"A YAML file in the official schema, or a built-in recipe name ({string.Join(", ", ConfigPresets.Names)}). " +
                          $"Default: {ConfigPresets.DefaultName}, the Fashion-MNIST main job (about 20 minutes on 2 cores).",
        };
        var data = new Option<string?>("--data")
        {
            Description = "fashion-mnist (the default data; fashion-mnist:FOLDER for IDX files elsewhere), or an image folder: " +
                          "class subfolders, a flat folder, or a root with train/ (and val/) of which pretraining reads train/.",
        };
        var output = new Option<string?>("--out", "-o")
        {
            Description = "Run folder: resolved config, logs (CSV, JSONL, TensorBoard), checkpoints. Default: logging.folder of the config.",
        };
        var sets = new Option<string[]>("--set")
        {
            Description = "Override a config key, e.g. --set optimization.lr=5e-4 --set data.patch_drop=0.3 (repeatable; applied after the file).",
            AllowMultipleArgumentsPerToken = false,
        };
        var epochs = new Option<int?>("--epochs") { Description = "Shorthand for --set optimization.epochs=N (the schedules span all epochs)." };
        var maxSteps = new Option<long?>("--max-steps")
        {
            Description = "Stop after N global steps. The schedules' horizon still comes from the epochs, so a run stopped early and resumed matches an uninterrupted one.",
        };
        var resume = new Option<bool>("--resume") { Description = "Continue from RUN_DIR/checkpoints/TAG-latest.safetensors (TAG is logging.write_tag; after Ctrl-C, SIGTERM, a crash or kill -9)." };
        var initFrom = new Option<string?>("--init-from")
        {
            Description = "Start from weights: our checkpoint, an official *_training.pth.tar (optimizer state included) or released " +
                          "weights (target encoder + prototypes: the online encoder starts as a copy of the target, the optimizer fresh).",
        };
        var allowRecipeChange = new Option<bool>("--allow-recipe-change")
        {
            Description = "With --resume: continue even when the recipe differs from the one the run records (lr, batch, seed…): the result is then another run's.",
        };
        var noEval = new Option<bool>("--no-eval") { Description = "Skip the evaluation after pretraining (the low-shot and label-selection tables)." };
        var overwrite = new Option<bool>("--overwrite")
        {
            Description = "Start afresh in a run folder that already holds a run, deleting its checkpoints and logs (without it such a folder is refused unless --resume).",
        };
        var command = new Command("pretrain",
            "Pretrain a Vision Transformer with MSN on unlabeled images, then (unless --no-eval) print the low-shot table " +
            "beside raw-pixel and random-encoder baselines and the label-selection table. Tuning at small scale: keep criterion.batch_size ≥ 64 (BatchNorm " +
            "and ME-MAX use batch statistics); scale optimization.lr with the batch, but small ViTs on few epochs want more " +
            "(1e-3 at batch 128 here, against the official 1e-3 at 1024); Sinkhorn spreads a batch over the prototypes, so " +
            "with a batch far below criterion.num_proto the targets flatten: lower num_proto, or set use_sinkhorn=false and " +
            "memax_weight=5 (the paper's best ViT-S/16 setting); watch np in the log: a few distinct targets means collapse.")
        {
            config, data, output, sets, epochs, maxSteps, resume, initFrom, noEval, overwrite, allowRecipeChange,
        };
        command.SetAction((parse, cancellation) =>
        {
            var overrides = new List<string>(parse.GetValue(sets) ?? []);
            if (parse.GetValue(epochs) is { } e) overrides.Add($"optimization.epochs={e}");
            if (parse.GetValue(maxSteps) is { } m) overrides.Add($"optimization.max_steps={m}");
            if (parse.GetValue(data) is { } d) overrides.Add($"data.dataset={d}");
            string? outDir = parse.GetValue(output);
            if (outDir is not null) overrides.Add($"logging.folder={outDir}");
            var cfg = ConfigLoading.Load(parse.GetValue(config), overrides);
            var run = new PretrainRequest(parse.GetValue(resume), parse.GetValue(overwrite), parse.GetValue(initFrom), !parse.GetValue(noEval),
                parse.GetValue(allowRecipeChange));
            return Task.FromResult(Run(cfg, run, cancellation));
        });
        return command;
    }

    private sealed record PretrainRequest(bool Resume, bool Overwrite, string? InitFrom, bool Evaluate, bool AllowRecipeChange);

    private static int Run(MsnConfig cfg, PretrainRequest request, CancellationToken cancellation)
    {
        if (request.Resume && request.Overwrite) throw new UserInputException("--resume and --overwrite: choose one (continue the run, or start over)");
        using var signals = new StopSignals(cancellation);
        var (resume, initFrom) = (request.Resume, request.InitFrom);
        string runFolder = Path.GetFullPath(cfg.Logging.Folder);
        var settings = cfg.ToTrainerSettings();   // refuses a bad config before anything starts
        if (resume && !request.AllowRecipeChange)
            RecipeChange.RequireSameAsRecorded(cfg, new CheckpointStore(runFolder, settings.Tag, settings.KeepCheckpoints).LatestPath);
        var collective = Collectives.Current;     // under an MPI launcher: MPI starts here, before any work
        settings = RunPrecision.Resolve(settings, runFolder, resume, collective);
        if (collective.Rank != 0) Console.SetOut(TextWriter.Null);   // rank 0 speaks for the job
        using var initial = initFrom is null || resume ? null : MsnCheckpoint.LoadAny(initFrom);
        if (initial is not null && initial.Architecture.Vit != settings.Architecture.Vit)
            throw new UserInputException($"--init-from {initFrom}: its encoder ({Describe(initial.Architecture)}) differs from the config's ({Describe(settings.Architecture)})");
        if (initial is not null) settings = settings with { Architecture = initial.Architecture };
        var source = PretrainingData.Open(cfg);
        using var loader = new MultiViewLoader(source, cfg.ToAugmentationOptions(),
            cfg.ToLoaderOptions() with { Rank = collective.Rank, WorldSize = collective.WorldSize });
        var a = settings.Architecture.Vit;
        Console.WriteLine($"MSN pretraining → {runFolder}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  data      {cfg.DataLocation()}: {source.Count} images{(source.SkippedCount > 0 ? $" ({source.SkippedCount} unreadable, skipped)" : "")}, batch {cfg.Criterion.BatchSize}, {loader.BatchesPerEpoch} steps/epoch × {cfg.Optimization.Epochs} epochs"));
        Console.WriteLine($"  model     {Describe(settings.Architecture)}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  views     1 target + 1 anchor at {cfg.Data.RandSize} px (patch_drop {cfg.Data.PatchDrop}), {cfg.Data.FocalViews} focal at {cfg.Data.FocalSize} px"));
        if (collective.WorldSize > 1)
            Console.WriteLine($"  processes {collective.WorldSize} (MPI), batch {cfg.Criterion.BatchSize} per process, {cfg.Criterion.BatchSize * collective.WorldSize} per step");
        Console.WriteLine($"  precision {settings.PrecisionReason}");
        if (resume) Console.WriteLine("  resuming  from the latest checkpoint");
        IProgress<TrainingProgress>? progress = collective.Rank == 0 ? new ProgressBar() : null;
        var meter = collective is MpiCollective mpi ? new CommunicationMeter(mpi, progress) : null;
        var outcome = new MsnTrainer(settings).Run(loader, runFolder, resume, initial, meter ?? progress, request.Overwrite, signals.Token);
        if (source.SkippedCount > 0) Console.WriteLine($"  skipped   {source.SkippedCount} unreadable images");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(outcome.Completed ? "Finished" : "Stopped")} at step {outcome.StepsDone} in {outcome.Seconds:F0} s " +
            $"({outcome.MeanStepMilliseconds:F0} ms/step, data wait {outcome.MeanDataWaitMilliseconds:F1} ms/step). Checkpoint: {outcome.LatestCheckpoint}"));
        if (meter is not null)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  MPI       {meter.MillisecondsPerStep:F1} ms/step in MPI calls on rank 0 (communication and waiting for the other ranks)"));
        if (!outcome.Completed) Console.WriteLine("Continue with the same command and --resume.");
        if (!outcome.Completed || !request.Evaluate || collective.Rank != 0) return signals.ExitCode ?? 0;
        NativeEnvironment.ReturnFreeMemory();
        try
        {
            Evaluate(cfg, runFolder, outcome.LatestCheckpoint!, signals.Token);
        }
        catch (OperationCanceledException) when (signals.ExitCode is not null)
        {
            Console.WriteLine("Evaluation stopped; the training checkpoint is complete.");
        }
        return signals.ExitCode ?? 0;
    }

    /// <summary>The low-shot table of the run's target encoder beside the raw-pixel and random-encoder baselines,
    /// on the same seeded splits; JSON and chart go to the run folder.</summary>
    private static void Evaluate(MsnConfig cfg, string runFolder, string checkpoint, CancellationToken cancellation)
    {
        Console.WriteLine();
        Console.WriteLine("Low-shot evaluation (logistic regression on frozen [CLS] features; 1, 2, 5, 10 labels per class, 3 seeded splits) ...");
        var options = cfg.ToLowShotEvaluationOptions(runFolder);
        var result = LowShotEvaluation.Run(checkpoint, options, Console.Error.WriteLine, cancellation);
        Console.WriteLine();
        Console.Write(LowShotTable.Format(result.Report));
        string json = Path.Combine(runFolder, "lowshot.json"), chart = Path.Combine(runFolder, "lowshot.png");
        AtomicFile.WriteAllText(json, result.ToJson());
        result.SaveChart(chart);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Evaluation took {result.TotalSeconds:F0} s. JSON → {json}; chart → {chart}; loss curve → {Path.Combine(runFolder, "loss_curve.png")}"));
        EvaluateSelection(options, runFolder, checkpoint, cancellation);
    }

    /// <summary>Which images to label, scored by a simulated labeller on the run's features (cached in the run folder): the table of
    /// <c>msn eval selection</c> with its defaults.</summary>
    private static void EvaluateSelection(LowShotEvaluationOptions extraction, string runFolder, string checkpoint,
        CancellationToken cancellation)
    {
        Console.WriteLine();
        var options = new SelectionEvaluationOptions { FitBudgetsToPool = true };
        Console.WriteLine($"Label selection (a simulated labeller: {options.Seeds} seeded pools, budgets {string.Join(", ", options.Budgets)} images) ...");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var scores = SelectionEvaluation.RunOnCheckpoint(checkpoint, extraction with { Baselines = true }, options,
            Console.Error.WriteLine, cancellation);
        Console.WriteLine();
        if (scores.Count == 0)
        {
            Console.WriteLine($"Label selection: skipped (fewer training images than the smallest budget, {options.Budgets.Min()})");
            return;
        }
        Console.Write(EvalSelectionCommand.Table(scores, options));
        string json = Path.Combine(runFolder, "selection.json");
        AtomicFile.WriteAllText(json, EvalSelectionCommand.ToJson(scores, options, checkpoint, extraction.Data));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Label selection took {watch.Elapsed.TotalSeconds:F0} s. JSON → {json}"));
    }

    private static string Describe(EncoderArchitecture a) => string.Create(CultureInfo.InvariantCulture,
        $"ViT {a.Vit.ImageSize} px, patch {a.Vit.PatchSize}, dim {a.Vit.EmbedDim}, depth {a.Vit.Depth}, heads {a.Vit.NumHeads}; head {a.Head?.HiddenDim}→{a.Head?.OutputDim}; {a.NumPrototypes} prototypes");
}
