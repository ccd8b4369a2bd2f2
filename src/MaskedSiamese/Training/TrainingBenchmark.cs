using MaskedSiamese.Data;
using MaskedSiamese.Diagnostics;
using MaskedSiamese.Engine;
using TorchSharp;

namespace MaskedSiamese.Training;

/// <summary>
/// Measures training on the real loader, through the same <see cref="TrainingLoop"/> and task as <c>msn pretrain</c>
/// (writing nothing): warm-up steps, then timed steps (step time, data wait, per-phase breakdown), the loader's own
/// rate, the model FLOPs and the machine's matmul peak in the same process, and peak memory.
/// </summary>
public static class TrainingBenchmark
{
    /// <summary>Untimed steps before the timed ones, by default.</summary>
    public const int WarmupSteps = 3;

    /// <summary>Runs the benchmark. Nothing is written to disk.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The schedule ends before the warm-up and timed steps are
    /// done.</exception>
    /// <param name="recipe">What is trained.</param>
    /// <param name="loop">The loop's options (its thread count; nothing is written whatever its run folder).</param>
    /// <param name="context">Device, precision (the one timed and whose matmul peak is measured) and
    /// collective.</param>
    /// <param name="precisionReason">Why that precision, for the report.</param>
    /// <param name="loader">The multi-view batches.</param>
    /// <param name="source">The images (for the loader's own rate).</param>
    /// <param name="steps">Timed steps.</param>
    /// <param name="warmupSteps">Untimed steps before them.</param>
    /// <param name="log">Receives progress lines, if given.</param>
    /// <param name="measureLoader">Also time the loader alone (a sweep skips it after its first point).</param>
    public static TrainingBenchmarkResult Run(MsnRecipe recipe, TrainingLoopOptions loop, StepContext context,
        string precisionReason, MultiViewLoader loader, IImageSource source, int steps = 20,
        int warmupSteps = WarmupSteps, TextWriter? log = null, bool measureLoader = true)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(loader);
        var aug = loader.Augmentation;
        log?.WriteLine($"training: {warmupSteps} warm-up + {steps} timed steps ...");
        var profile = new StepProfile();
        var timings = new StepTimings(warmupSteps, profile);
        long peakRss;
        double? stolen;
        using (var task = new MsnPretrainingTask(recipe, loader, context))
        {
            if (steps < 1 || task.TotalSteps < warmupSteps + steps)
                throw new ArgumentOutOfRangeException(nameof(steps),
                    $"{warmupSteps} warm-up + {steps} timed steps do not fit the schedule's {task.TotalSteps}");
            var timed = loop with
            {
                RunFolder = null,
                Resume = false,
                Overwrite = false,
                MaxSteps = warmupSteps + steps,
                Profile = profile,
            };
            // Training first, and its peak alone: the loader benchmark and the matmul probe below have peaks of their
            // own, and memory they free stays with the allocators. (Building the networks is within it: they stay
            // live.)
            ManagedGarbage.Collect();
            ProcessMemory.ResetPeak();
            var stealBefore = CpuSteal.Read();
            new TrainingLoop(timed, context).Run(task, timings);
            stolen = CpuSteal.StolenFraction(stealBefore, CpuSteal.Read());
            peakRss = ProcessMemory.PeakResidentBytes();
        }
        int threads = torch.get_num_threads();
        double? loaderRate = null;
        if (measureLoader)
        {
            log?.WriteLine("loader alone ...");
            loaderRate = DataLoaderBenchmark.Run(source, aug, loader.Options, batches: 20).ImagesPerSecond;
        }
        log?.WriteLine($"{context.Precision.ConfigName()} matmul peak ...");
        double peak = MatmulPeak.MeasureGflops(context.Device, context.Precision.ComputeType());

        double flops = FlopCount.TrainingPerImage(recipe.Architecture, aug.Global.Size, aug.Focal.Size, aug.FocalCount,
            recipe.PatchDrop);
        int batchSize = loader.Options.BatchSize;
        var stepMs = timings.StepMilliseconds;
        double mean = stepMs.Count > 0 ? stepMs.Average() : 0;
        double meanWait = stepMs.Count > 0 ? timings.DataWaitMilliseconds / stepMs.Count : 0;
        double median = stepMs.Count > 0 ? Median.Of(stepMs) : 0;
        var phases = profile.Milliseconds.ToDictionary(kv => kv.Key, kv => kv.Value / Math.Max(1, profile.Steps));
        return new TrainingBenchmarkResult(batchSize, stepMs.Count, threads, mean, median, meanWait,
            batchSize * 1000.0 / Math.Max(1e-9, mean + meanWait), flops, flops * batchSize / (mean / 1000.0) / 1e9,
            peak, peakRss, loaderRate, phases)
        {
            Precision = context.Precision.ConfigName(),
            PrecisionReason = precisionReason,
            Cpu = CpuFeatures.Current().ToString(),
            StolenCpuFraction = stolen,
        };
    }

    /// <summary>Collects the timed steps' figures from the loop's progress reports, dropping the warm-up
    /// steps.</summary>
    private sealed class StepTimings(int warmupSteps, StepProfile profile) : IProgress<TrainingProgress>
    {
        public List<double> StepMilliseconds { get; } = [];
        public double DataWaitMilliseconds { get; private set; }

        public void Report(TrainingProgress value)
        {
            if (value.Step == warmupSteps) profile.Reset();
            if (value.Step <= warmupSteps) return;
            StepMilliseconds.Add(value.StepMilliseconds);
            DataWaitMilliseconds += value.DataWaitMilliseconds;
        }
    }
}
