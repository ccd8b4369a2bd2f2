using System.CommandLine;
using MaskedSiamese.Configuration;
using MaskedSiamese.Pretraining;

namespace MaskedSiamese.Cli.Commands;

/// <summary><c>msn pretrain</c>: MSN pretraining from a recipe, then (by default) the low-shot evaluation.</summary>
internal static class PretrainCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config")
        {
            Description = "A YAML file in the official schema, or a built-in recipe name " +
                          $"({string.Join(", ", ConfigPresets.Names)}). Default: {ConfigPresets.DefaultName}, the " +
                          "Fashion-MNIST main job (about 14 minutes on 2 unthrottled cores).",
        };
        var data = new Option<string?>("--data")
        {
            Description = "fashion-mnist (the default data; fashion-mnist:FOLDER for IDX files elsewhere), or an " +
                          "image folder: class subfolders, a flat folder, or a root with train/ (and val/) of which " +
                          "pretraining reads train/.",
        };
        var output = new Option<string?>("--out", "-o")
        {
            Description = "Run folder: resolved config, logs (CSV, JSONL, TensorBoard), checkpoints. Default: " +
                          "logging.folder of the config.",
        };
        var sets = new Option<string[]>("--set")
        {
            Description = "Override a config key, e.g. --set optimization.lr=5e-4 --set data.patch_drop=0.3 " +
                          "(repeatable; applied after the file).",
            AllowMultipleArgumentsPerToken = false,
        };
        var epochs = new Option<int?>("--epochs")
        {
            Description = "Shorthand for --set optimization.epochs=N (the schedules span all epochs).",
        };
        var maxSteps = new Option<long?>("--max-steps")
        {
            Description = "Stop after N global steps. The schedules' horizon still comes from the epochs, so a run " +
                          "stopped early and resumed matches an uninterrupted one.",
        };
        var resume = new Option<bool>("--resume")
        {
            Description = "Continue from RUN_DIR/checkpoints/TAG-latest.safetensors (TAG is logging.write_tag; after " +
                          "Ctrl-C, SIGTERM, a crash or kill -9).",
        };
        var initFrom = new Option<string?>("--init-from")
        {
            Description = "Start from weights: our checkpoint, an official *_training.pth.tar (optimizer state " +
                          "included) or released weights (target encoder + prototypes: the online encoder starts as " +
                          "a copy of the target, the optimizer fresh).",
        };
        var allowRecipeChange = new Option<bool>("--allow-recipe-change")
        {
            Description = "With --resume: continue even when the recipe differs from the one the run records (lr, " +
                          "batch, seed…): the result is then another run's.",
        };
        var monitorData = new Option<string?>("--monitor-data")
        {
            Description = "Labelled images for the k-NN monitor (class subfolders; train/ and val/ give bank and " +
                          "queries): shorthand for --set logging.monitor_data=FOLDER. Default: Fashion-MNIST's " +
                          "monitor set when training on Fashion-MNIST, else no monitor.",
        };
        var stopOnCollapse = new Option<bool>("--stop-on-collapse")
        {
            Description = "Stop, with the checkpoint of the step reached (exit 1), at the first sign of collapse: " +
                          "np at most a quarter of what a batch reaches, or the ME-MAX term at half its maximum, " +
                          "for 20 steps. Without it the run is only warned.",
        };
        var noEval = new Option<bool>("--no-eval")
        {
            Description = "Skip the evaluation after pretraining (the low-shot and label-selection tables).",
        };
        var overwrite = new Option<bool>("--overwrite")
        {
            Description = "Start afresh in a run folder that already holds a run, deleting its checkpoints and logs " +
                          "(without it such a folder is refused unless --resume).",
        };
        var command = new Command("pretrain",
            "Pretrain a Vision Transformer with MSN on unlabeled images, then (unless --no-eval) print the low-shot " +
            "table beside raw-pixel and random-encoder baselines and the label-selection table. Tuning at small " +
            "scale: keep criterion.batch_size ≥ 64 (BatchNorm and ME-MAX use batch statistics); scale " +
            "optimization.lr with the batch, but small ViTs on few epochs want more (1e-3 at batch 128 here, against " +
            "the official 1e-3 at 1024); Sinkhorn spreads a batch over the prototypes, so with a batch far below " +
            "criterion.num_proto the targets flatten: lower num_proto, or set use_sinkhorn=false and memax_weight=5 " +
            "(the paper's best ViT-S/16 setting); watch np in the log: a few distinct targets means collapse.")
        {
            config, data, output, sets, epochs, maxSteps, resume, initFrom, noEval, overwrite, allowRecipeChange,
            stopOnCollapse, monitorData,
        };
        command.SetAction((parse, cancellation) =>
        {
            var overrides = new List<string>(parse.GetValue(sets) ?? []);
            if (parse.GetValue(epochs) is { } e) overrides.Add($"optimization.epochs={e}");
            if (parse.GetValue(maxSteps) is { } m) overrides.Add($"optimization.max_steps={m}");
            if (parse.GetValue(data) is { } d) overrides.Add($"data.dataset={d}");
            if (parse.GetValue(monitorData) is { } md) overrides.Add($"logging.monitor_data={md}");
            string? outDir = parse.GetValue(output);
            if (outDir is not null) overrides.Add($"logging.folder={outDir}");
            var cfg = ConfigLoading.Load(parse.GetValue(config), overrides);
            var run = new PretrainingRequest
            {
                Resume = parse.GetValue(resume),
                Overwrite = parse.GetValue(overwrite),
                InitFrom = parse.GetValue(initFrom),
                Evaluate = !parse.GetValue(noEval),
                StopOnCollapse = parse.GetValue(stopOnCollapse),
                AllowRecipeChange = parse.GetValue(allowRecipeChange),
            };
            return Task.FromResult(Run(cfg, run, cancellation));
        });
        return command;
    }

    private static int Run(MsnConfig cfg, PretrainingRequest request, CancellationToken cancellation)
    {
        if (request.Resume && request.Overwrite)
            throw new UserInputException("--resume and --overwrite: choose one (continue the run, or start over)");
        using var signals = new StopSignals(cancellation);
        var console = new PretrainingConsole();
        try
        {
            var result = PretrainingRun.Run(cfg, request, console, signals.Token);
            if (signals.ExitCode is null && request.StopOnCollapse && result.Collapse is not null) return 1;
        }
        catch (OperationCanceledException) when (signals.ExitCode is not null && console.Outcome is not null)
        {
            Console.WriteLine("Evaluation stopped; the training checkpoint is complete.");
        }
        return signals.ExitCode ?? 0;
    }
}
