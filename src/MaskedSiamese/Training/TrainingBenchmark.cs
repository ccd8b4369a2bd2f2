using System.Diagnostics;
using MaskedSiamese.Data;
using MaskedSiamese.Diagnostics;
using MaskedSiamese.Loss;
using TorchSharp;

namespace MaskedSiamese.Training;

/// <summary>
/// Measures training on the real loader: warm-up steps, then timed steps (step time, data wait, per-phase breakdown),
/// the loader's own rate, the model FLOPs and the machine's matmul peak in the same process, and peak memory.
/// </summary>
public static class TrainingBenchmark
{
    /// <summary>Runs the benchmark. Nothing is written to disk.</summary>
    public static TrainingBenchmarkResult Run(TrainerSettings settings, MultiViewLoader loader, IImageSource source,
        int steps = 20, int warmupSteps = 3, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(loader);
        if (settings.Threads > 0) torch.set_num_threads(settings.Threads);
        var aug = loader.Augmentation;

        log?.Invoke($"training: {warmupSteps} warm-up + {steps} timed steps ...");
        var trainer = new MsnTrainer(settings);
        var schedule = settings.Schedule with { IterationsPerEpoch = loader.BatchesPerEpoch };
        using var networks = MsnNetworks.Create(settings.Architecture, settings.Device, settings.Seed);
        using var optimizer = networks.CreateOptimizer(settings.Adam.Beta1, settings.Adam.Beta2, settings.Adam.Eps);
        var loss = new MsnLoss(settings.Loss);
        int numPatches = networks.Encoder.NumPatchesFor(aug.Global.Size);
        var profile = new StepProfile();
        var stepMs = new List<double>();
        double waitMs = 0;
        long step = 0;
        // Training first, and its peak alone: the loader benchmark and the matmul probe below have peaks of their own,
        // and memory they free stays with the allocators.
        ManagedGarbage.Collect();
        ProcessMemory.ResetPeak();
        long peakRss;
        using (var enumerator = loader.Read(epochs: null).GetEnumerator())
        {
            while (step < warmupSteps + steps)
            {
                var wait = Stopwatch.StartNew();
                if (!enumerator.MoveNext()) break;
                double waited = wait.Elapsed.TotalMilliseconds;
                using var batch = enumerator.Current;
                if (step == warmupSteps) profile.Reset();
                var clock = Stopwatch.StartNew();
                trainer.TrainOneStep(networks, optimizer, loss, batch, schedule, numPatches, step, profile);
                if (step >= warmupSteps)
                {
                    stepMs.Add(clock.Elapsed.TotalMilliseconds);
                    waitMs += waited;
                }
                step++;
            }
            peakRss = ProcessMemory.PeakResidentBytes();
        }
        int threads = torch.get_num_threads();
        log?.Invoke("loader alone ...");
        var data = DataLoaderBenchmark.Run(source, aug, loader.Options, batches: 20);
        log?.Invoke("matmul peak ...");
        double peak = MatmulPeak.MeasureGflops(settings.Device);

        double flops = FlopCount.TrainingPerImage(settings.Architecture, aug.Global.Size, aug.Focal.Size, aug.FocalCount, settings.PatchDrop);
        int batchSize = loader.Options.BatchSize;
        double mean = stepMs.Count > 0 ? stepMs.Average() : 0;
        double meanWait = stepMs.Count > 0 ? waitMs / stepMs.Count : 0;
        var sorted = stepMs.Order().ToList();
        double median = sorted.Count > 0 ? sorted[sorted.Count / 2] : 0;
        var phases = profile.Milliseconds.ToDictionary(kv => kv.Key, kv => kv.Value / Math.Max(1, profile.Steps));
        return new TrainingBenchmarkResult(batchSize, stepMs.Count, threads, mean, median, meanWait,
            batchSize * 1000.0 / Math.Max(1e-9, mean + meanWait), flops, flops * batchSize / (mean / 1000.0) / 1e9, peak,
            peakRss, data.ImagesPerSecond, phases);
    }
}
