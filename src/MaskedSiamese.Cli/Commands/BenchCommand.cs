using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Configuration;
using MaskedSiamese.Data;
using MaskedSiamese.Diagnostics;
using MaskedSiamese.Engine;
using MaskedSiamese.IO;
using MaskedSiamese.Onnx;
using MaskedSiamese.Pretraining;
using MaskedSiamese.Training;

namespace MaskedSiamese.Cli.Commands;

/// <summary><c>msn bench train|data|infer</c>: throughput figures of a recipe or checkpoint on this machine.</summary>
internal static class BenchCommand
{
    private const string DefaultRecipe = "fmnist_msn_small";
    /// <summary>Stolen CPU time above which a benchmark's figures are flagged as the host's (5%).</summary>
    internal const double StealWarningFraction = 0.05;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public static Command Create()
    {
        var bench = new Command("bench",
            "Measure training, data-loading or inference speed of a recipe on this machine (timings are noisy on " +
            "shared machines: compare within one run).");
        bench.Subcommands.Add(Train());
        bench.Subcommands.Add(Data());
        bench.Subcommands.Add(Infer());
        bench.Subcommands.Add(BenchSelectCommand.Create());
        bench.Subcommands.Add(BenchLabelCommand.Create());
        bench.Subcommands.Add(BenchAllReduceCommand.Create());
        return bench;
    }

    private static (Option<string?> Config, Option<string[]> Sets, Option<int> Steps, Option<string?> JsonOut)
        CommonOptions(int defaultSteps)
    {
        var config = new Option<string?>("--config")
        {
            Description = $"YAML file or built-in recipe. Default: {DefaultRecipe} (the benchmark protocol " +
                          "FMNIST-MSN-small).",
        };
        var sets = new Option<string[]>("--set")
        {
            Description = "Override a config key (repeatable), e.g. --set criterion.batch_size=64.",
        };
        var steps = new Option<int>("--steps")
        {
            Description = $"Timed steps or batches after warm-up (default {defaultSteps}).",
            DefaultValueFactory = _ => defaultSteps,
        };
        steps.Validators.Add(result =>
        {
            int n = result.GetValueOrDefault<int>();
            if (n < 1) result.AddError($"--steps {n}: must be ≥ 1");
        });
        var json = new Option<string?>("--json") { Description = "Also write the figures to this JSON file." };
        return (config, sets, steps, json);
    }

    private static Command Train()
    {
        var (config, sets, steps, json) = CommonOptions(20);
        var sweep = new Option<string?>("--sweep")
        {
            Description = "Time one config key at several values, KEY=V1,V2,... (e.g. " +
                          "data.patch_drop=0,0.15,0.3,0.5,0.7 or meta.precision=fp32,bf16): images/s, speed-up over " +
                          "the first value and the FLOP-count ideal speed-up.",
        };
        var rounds = new Option<int>("--rounds")
        {
            Description = "With --sweep: run the whole list this many times, alternating (default 1).",
            DefaultValueFactory = _ => 1,
        };
        var command = new Command("train",
            "Steady-state training throughput (images/s, ms/step without warm-up), model FLOPs per image, achieved " +
            "FLOP/s against the matmul peak of the precision in use measured in the same run, the CPU's bf16 " +
            "support, peak RSS, the loader's rate and a per-phase breakdown.")
        { config, sets, steps, json, sweep, rounds };
        command.SetAction(parse =>
        {
            // Its loader probe and matmul peak are one process's: several ranks would measure each other's load.
            if (Collectives.LaunchedWorldSize() > 1)
                throw new UserInputException("bench train measures one process, not an MPI job: under mpiexec time " +
                    "`msn pretrain --max-steps N` instead (it reports ms/step and the time in MPI calls)");
            string recipe = parse.GetValue(config) ?? DefaultRecipe;
            var overrides = parse.GetValue(sets) ?? [];
            int timed = parse.GetValue(steps);
            if (parse.GetValue(sweep) is { } sweepText)
            {
                var points = TrainBenchSweep.Run(recipe, overrides, sweepText, parse.GetValue(rounds), timed);
                if (parse.GetValue(json) is { } sweepPath)
                    AtomicFile.WriteAllText(sweepPath, JsonSerializer.Serialize(points, Json));
                return 0;
            }
            var r = RunOne(recipe, overrides, timed, measureLoader: true);
            Print(r);
            if (parse.GetValue(json) is { } path) AtomicFile.WriteAllText(path, JsonSerializer.Serialize(r, Json));
            return 0;
        });
        return command;
    }

    /// <summary>One benchmark of <paramref name="recipe"/> with <paramref name="overrides"/>.</summary>
    internal static TrainingBenchmarkResult RunOne(string recipe, IReadOnlyList<string> overrides, int timed,
        bool measureLoader)
    {
        var cfg = ConfigLoading.Load(recipe, [.. overrides]);
        using var setup = PretrainingSetup.Open(cfg, new PretrainingRequest { Evaluate = false }, Console.Error,
            writeRun: false);
        long scheduled = setup.Recipe.Schedule.TotalSteps;
        if (timed < 1 || scheduled < TrainingBenchmark.WarmupSteps + timed)
            throw new UserInputException($"--steps {timed}: the schedule has {scheduled} steps, fewer than " +
                $"{TrainingBenchmark.WarmupSteps} warm-up + {timed} timed (or --steps < 1); raise " +
                "optimization.epochs or lower --steps");
        Console.Error.WriteLine($"precision {setup.Precision.Reason}");
        var probe = PrecisionProbe.Choose(MsnConfigPrecision.ProbeShapes(cfg), cfg.Meta.Threads);   // information only
        Console.Error.WriteLine($"probe     {probe.Reason}");
        return TrainingBenchmark.Run(setup.Recipe, setup.Loop, setup.Context, setup.Precision.Reason, setup.Loader,
            setup.Source, timed, log: Console.Error, measureLoader: measureLoader);
    }

    private static void Print(TrainingBenchmarkResult r)
    {
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv,
            $"training  {r.ImagesPerSecond:F1} images/s; step {r.MeanStepMilliseconds:F0} ms mean, " +
            $"{r.MedianStepMilliseconds:F0} ms median (batch {r.BatchSize}, {r.Steps} steps after warm-up, " +
            $"{r.Threads} threads)"));
        Console.WriteLine($"precision {r.PrecisionReason}; CPU {r.Cpu}");
        string loaderAlone = r.LoaderImagesPerSecond is { } rate
            ? string.Create(inv, $"; loader alone {rate:F0} images/s")
            : "";
        Console.WriteLine(string.Create(inv,
            $"data      wait {r.MeanDataWaitMilliseconds:F1} ms/step " +
            $"({100 * r.MeanDataWaitMilliseconds / Math.Max(1e-9, r.MeanStepMilliseconds):F2}% of the step)" +
            $"{loaderAlone}"));
        Console.WriteLine(string.Create(inv,
            $"compute   {r.FlopsPerImage / 1e9:F3} GFLOP per image (multiply-add = 2: anchor paths forward + " +
            $"backward, target forward, prototype products)"));
        Console.WriteLine(string.Create(inv,
            $"          {r.AchievedGflops:F1} GFLOP/s achieved = {100 * r.FractionOfPeak:F1}% of the " +
            $"{r.MatmulPeakGflops:F0} GFLOP/s {r.Precision} matmul peak measured now"));
        Console.WriteLine(string.Create(inv,
            $"memory    peak RSS {r.PeakRssBytes / 1e9:F2} GB over the training steps"));
        if (r.StolenCpuFraction is { } stolen)
            Console.WriteLine(string.Create(inv,
                $"host      {100 * stolen:F1}% of CPU time stolen by the hypervisor during the steps" +
                $"{(stolen > StealWarningFraction
                    ? ": the figures above are the host's, not the build's; measure again"
                    : "")}"));
        Console.WriteLine("breakdown (ms per step):");
        foreach (var (phase, ms) in r.PhaseMilliseconds)
            Console.WriteLine(string.Create(inv,
                $"  {phase,-15} {ms,8:F1}  {100 * ms / Math.Max(1e-9, r.MeanStepMilliseconds),5:F1}%"));
    }

    private static Command Data()
    {
        var (config, sets, steps, json) = CommonOptions(50);
        var command = new Command("data",
            "Views per second and batches per second of the multi-view loader alone (decode + augment on background " +
            "threads).")
        { config, sets, steps, json };
        command.SetAction(parse =>
        {
            if (Collectives.LaunchedWorldSize() > 1)
                throw new UserInputException("bench data measures one process's loader, not an MPI job");
            var cfg = ConfigLoading.Load(parse.GetValue(config) ?? DefaultRecipe, parse.GetValue(sets));
            var source = PretrainingSetup.OpenData(cfg, Console.Error);
            var aug = cfg.ToAugmentationOptions();
            var options = cfg.ToLoaderOptions();
            var r = DataLoaderBenchmark.Run(source, aug, options, parse.GetValue(steps));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"loader    {r.BatchesPerSecond:F1} batches/s, {r.ImagesPerSecond:F0} images/s, " +
                $"{r.ViewsPerSecond:F0} views/s (batch {options.BatchSize}, {2 + aug.FocalCount} views per image, " +
                $"{r.Workers} worker(s), {r.Batches} batches in {r.Seconds:F2} s)"));
            if (parse.GetValue(json) is { } path) AtomicFile.WriteAllText(path, JsonSerializer.Serialize(r, Json));
            return 0;
        });
        return command;
    }

    private static Command Infer()
    {
        var checkpoint = new Option<FileInfo?>("--checkpoint", "-c")
        {
            Description = "The encoder to time: our checkpoint or an official .pth.tar (its target encoder).",
        };
        var config = new Option<string?>("--config")
        {
            Description = "Without --checkpoint: a randomly initialised (seed 0) encoder of this recipe's " +
                          $"architecture. Default: {DefaultRecipe}.",
        };
        var sets = new Option<string[]>("--set") { Description = "Override a config key (repeatable)." };
        var batches = new Option<string>("--batch-sizes")
        {
            Description = "Comma-separated batch sizes (default 1,64).",
            DefaultValueFactory = _ => "1,64",
        };
        var rounds = new Option<int>("--rounds")
        {
            Description = "Alternating TorchSharp/ONNX Runtime rounds per batch size (default 5).",
            DefaultValueFactory = _ => 5,
        };
        var seconds = new Option<double>("--seconds")
        {
            Description = "Seconds per engine per round (default 1).",
            DefaultValueFactory = _ => 1.0,
        };
        var threads = new Option<int>("--threads")
        {
            Description = "Threads of both engines (default: TorchSharp's current count, given to ONNX Runtime too).",
        };
        var heads = SharedOptions.NumHeads();
        var json = new Option<string?>("--json") { Description = "Also write the figures to this JSON file." };
        var command = new Command("infer",
            "Encoder inference images/s: TorchSharp against ONNX Runtime on the encoder's ONNX export, " +
            "alternating within each round on the same input (official features, eval mode, CPU).")
        { checkpoint, config, sets, batches, rounds, seconds, threads, heads, json };
        command.SetAction(parse =>
        {
            if (parse.GetValue(checkpoint) is not null && parse.GetValue(config) is not null)
                throw new UserInputException("--checkpoint and --config: give one of them");
            var options = new InferenceBenchmarkOptions
            {
                BatchSizes = ParseBatchSizes(parse.GetValue(batches)!),
                Rounds = parse.GetValue(rounds),
                SecondsPerRound = parse.GetValue(seconds),
                Threads = parse.GetValue(threads),
            };
            try { options.Validate(); }
            catch (ArgumentException e) { throw new UserInputException(e.Message); }
            using var encoder = InferenceEncoder(parse.GetValue(checkpoint), parse.GetValue(config),
                parse.GetValue(sets), parse.GetValue(heads));
            var rows = InferenceBenchmark.Run(encoder, options, log: Console.Error);
            var inv = CultureInfo.InvariantCulture;
            var v = encoder.Options;
            Console.WriteLine(string.Create(inv,
                $"encoder   ViT D {v.EmbedDim}, depth {v.Depth}, heads {v.NumHeads}, patch {v.PatchSize}, " +
                $"{v.ImageSize} px; {TorchSharp.torch.get_num_threads()} threads"));
            Console.WriteLine(
                "batch   TorchSharp img/s   ONNX Runtime img/s   ORT/Torch   ms/batch (Torch, ORT)   max rel diff");
            foreach (var r in rows)
                Console.WriteLine(string.Create(inv,
                    $"{r.BatchSize,5}   {r.TorchImagesPerSecond,16:F1}   {r.OnnxImagesPerSecond,18:F1}   " +
                    $"{r.OnnxImagesPerSecond / r.TorchImagesPerSecond,9:F2}   {r.TorchMillisecondsPerBatch,9:F2}, " +
                    $"{r.OnnxMillisecondsPerBatch,9:F2}   {r.MaxRelativeDifference,12:0.0E+0}"));
            if (parse.GetValue(json) is { } path) AtomicFile.WriteAllText(path, JsonSerializer.Serialize(rows, Json));
            return 0;
        });
        return command;
    }

    private static Models.VisionTransformer InferenceEncoder(FileInfo? checkpoint, string? config, string[]? sets,
        int? heads)
    {
        if (checkpoint is not null)
        {
            using var ck = MsnCheckpoint.LoadAny(checkpoint.FullName, heads);
            return ck.CreateTargetEncoder();
        }
        var cfg = ConfigLoading.Load(config ?? DefaultRecipe, sets);
        using var generator = new TorchSharp.torch.Generator(0);
        return cfg.ToArchitecture().CreateEncoder(generator);
    }

    private static int[] ParseBatchSizes(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] < 1)
                throw new UserInputException($"--batch-sizes '{text}': expected positive integers separated by commas");
        if (sizes.Length == 0) throw new UserInputException($"--batch-sizes '{text}': no batch size");
        return sizes;
    }
}
