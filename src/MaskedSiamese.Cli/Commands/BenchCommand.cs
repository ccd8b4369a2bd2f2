using MaskedSiamese.IO;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Configuration;
using MaskedSiamese.Data;
using MaskedSiamese.Diagnostics;
using MaskedSiamese.Engine;
using MaskedSiamese.Training;

namespace MaskedSiamese.Cli.Commands;

/// <summary><c>msn bench train|data</c>: throughput figures of a recipe on this machine.</summary>
internal static class BenchCommand
{
    private const string DefaultRecipe = "fmnist_msn_small";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static Command Create()
    {
        var bench = new Command("bench", "Measure training or data-loading speed of a recipe on this machine (timings are noisy on shared machines: compare within one run).");
        bench.Subcommands.Add(Train());
        bench.Subcommands.Add(Data());
        return bench;
    }

    private static (Option<string?> Config, Option<string[]> Sets, Option<int> Steps, Option<string?> JsonOut) CommonOptions(int defaultSteps)
    {
        var config = new Option<string?>("--config") { Description = $"YAML file or built-in recipe. Default: {DefaultRecipe} (the benchmark protocol FMNIST-MSN-small)." };
        var sets = new Option<string[]>("--set") { Description = "Override a config key (repeatable), e.g. --set criterion.batch_size=64." };
        var steps = new Option<int>("--steps") { Description = $"Timed steps or batches after warm-up (default {defaultSteps}).", DefaultValueFactory = _ => defaultSteps };
        var json = new Option<string?>("--json") { Description = "Also write the figures to this JSON file." };
        return (config, sets, steps, json);
    }

    private static Command Train()
    {
        var (config, sets, steps, json) = CommonOptions(20);
        var command = new Command("train", "Steady-state training throughput (images/s, ms/step without warm-up), model FLOPs per image, " +
                                           "achieved FLOP/s against the matmul peak measured in the same run, peak RSS, the loader's rate and a per-phase breakdown.")
        { config, sets, steps, json };
        command.SetAction(parse =>
        {
            // Its loader probe and matmul peak are one process's: several ranks would measure each other's load.
            if (Collectives.LaunchedWorldSize() > 1)
                throw new UserInputException("bench train measures one process, not an MPI job: under mpiexec time `msn pretrain --max-steps N` instead (it reports ms/step and the time in MPI calls)");
            var cfg = ConfigPresets.Load(parse.GetValue(config) ?? DefaultRecipe, parse.GetValue(sets));
            var settings = cfg.ToTrainerSettings();
            var source = MsnConfigMapping.OpenPretrainingSource(cfg.DataLocation(), Console.Error);
            using var loader = new MultiViewLoader(source, cfg.ToAugmentationOptions(), cfg.ToLoaderOptions());
            var r = TrainingBenchmark.Run(settings, loader, source, parse.GetValue(steps), log: m => Console.Error.WriteLine(m));
            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(inv, $"training  {r.ImagesPerSecond:F1} images/s; step {r.MeanStepMilliseconds:F0} ms mean, {r.MedianStepMilliseconds:F0} ms median (batch {r.BatchSize}, {r.Steps} steps after warm-up, {r.Threads} threads)"));
            Console.WriteLine(string.Create(inv, $"data      wait {r.MeanDataWaitMilliseconds:F1} ms/step ({100 * r.MeanDataWaitMilliseconds / Math.Max(1e-9, r.MeanStepMilliseconds):F2}% of the step); loader alone {r.LoaderImagesPerSecond:F0} images/s"));
            Console.WriteLine(string.Create(inv, $"compute   {r.FlopsPerImage / 1e9:F3} GFLOP per image (multiply-add = 2: anchor paths forward + backward, target forward, prototype products)"));
            Console.WriteLine(string.Create(inv, $"          {r.AchievedGflops:F1} GFLOP/s achieved = {100 * r.FractionOfPeak:F1}% of the {r.MatmulPeakGflops:F0} GFLOP/s fp32 matmul peak measured now"));
            Console.WriteLine(string.Create(inv, $"memory    peak RSS {r.PeakRssBytes / 1e9:F2} GB over the training steps"));
            Console.WriteLine("breakdown (ms per step):");
            foreach (var (phase, ms) in r.PhaseMilliseconds)
                Console.WriteLine(string.Create(inv, $"  {phase,-15} {ms,8:F1}  {100 * ms / Math.Max(1e-9, r.MeanStepMilliseconds),5:F1}%"));
            if (parse.GetValue(json) is { } path) AtomicFile.WriteAllText(path, JsonSerializer.Serialize(r, Json));
            return 0;
        });
        return command;
    }

    private static Command Data()
    {
        var (config, sets, steps, json) = CommonOptions(50);
        var command = new Command("data", "Views per second and batches per second of the multi-view loader alone (decode + augment on background threads).")
        { config, sets, steps, json };
        command.SetAction(parse =>
        {
            var cfg = ConfigPresets.Load(parse.GetValue(config) ?? DefaultRecipe, parse.GetValue(sets));
            var source = MsnConfigMapping.OpenPretrainingSource(cfg.DataLocation(), Console.Error);
            var aug = cfg.ToAugmentationOptions();
            var options = cfg.ToLoaderOptions();
            var r = DataLoaderBenchmark.Run(source, aug, options, parse.GetValue(steps));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"loader    {r.BatchesPerSecond:F1} batches/s, {r.ImagesPerSecond:F0} images/s, {r.ViewsPerSecond:F0} views/s " +
                $"(batch {options.BatchSize}, {2 + aug.FocalCount} views per image, {r.Workers} worker(s), {r.Batches} batches in {r.Seconds:F2} s)"));
            if (parse.GetValue(json) is { } path) AtomicFile.WriteAllText(path, JsonSerializer.Serialize(r, Json));
            return 0;
        });
        return command;
    }
}
