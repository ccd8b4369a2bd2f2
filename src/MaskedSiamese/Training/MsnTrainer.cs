using MaskedSiamese.IO;
using MaskedSiamese.Optimization;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Data;
using MaskedSiamese.Diagnostics;
using MaskedSiamese.Loss;
using MaskedSiamese.Masking;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Training;

/// <summary>
/// The MSN training loop: steps over the loader's batches with the schedules as pure functions of the global step,
/// logs, checkpoints every N steps and at every epoch end, resumes exactly from the latest checkpoint, and stops
/// cleanly (checkpoint written) on cancellation or <see cref="TrainerSettings.MaxSteps"/>.
/// </summary>
public sealed class MsnTrainer
{
    private const int WarmupSteps = 3;

    /// <summary>Creates a trainer.</summary>
    public MsnTrainer(TrainerSettings settings) => Settings = settings ?? throw new ArgumentNullException(nameof(settings));

    /// <summary>The resolved settings.</summary>
    public TrainerSettings Settings { get; }

    /// <summary>Trains on <paramref name="loader"/>, writing into <paramref name="runFolder"/>.</summary>
    /// <param name="loader">The multi-view batches.</param>
    /// <param name="runFolder">Run folder: resolved config, logs, checkpoints.</param>
    /// <param name="resume">Continue from <c>checkpoints/latest.safetensors</c> (refused when absent).</param>
    /// <param name="initFrom">Start from these weights (and optimizer state, when present) instead of a fresh
    /// initialisation; ignored when resuming.</param>
    /// <param name="progress">Receives a report after every step.</param>
    /// <param name="cancellation">Stops after the current step, writing a checkpoint.</param>
    public TrainingOutcome Run(MultiViewLoader loader, string runFolder, bool resume = false, MsnCheckpoint? initFrom = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(loader);
        var s = Settings;
        if (s.Threads > 0) torch.set_num_threads(s.Threads);
        int threads = torch.get_num_threads();
        var schedule = s.Schedule with { IterationsPerEpoch = loader.BatchesPerEpoch };
        long totalSteps = Math.Min(schedule.TotalSteps, s.MaxSteps ?? long.MaxValue);
        var store = new CheckpointStore(runFolder, s.KeepCheckpoints);
        Directory.CreateDirectory(runFolder);
        AtomicFile.WriteAllText(Path.Combine(runFolder, "config.yaml"), s.ConfigText);

        // ============ networks, optimizer, starting step ============
        long step = 0;
        MsnNetworks networks;
        AdamW optimizer;
        if (resume)
        {
            if (!store.HasLatest) throw new FileNotFoundException($"--resume: no checkpoint at {store.LatestPath}");
            using var latest = MsnCheckpoint.Load(store.LatestPath);
            if (latest.Architecture != s.Architecture)
                throw new CheckpointFormatException($"{store.LatestPath}: its architecture differs from the configuration's");
            step = (long)(latest.Training?["step"]?.GetValue<double>() ?? 0);
            int savedThreads = (int)(latest.Training?["threads"]?.GetValue<double>() ?? threads);
            if (savedThreads != threads && s.Threads == 0)
            {
                torch.set_num_threads(savedThreads);   // bit-for-bit continuation needs the same thread count
                threads = savedThreads;
            }
            (networks, optimizer) = Restore(latest);
        }
        else if (initFrom is not null)
        {
            (networks, optimizer) = Restore(initFrom);
        }
        else
        {
            networks = MsnNetworks.Create(s.Architecture, s.Device, s.Seed);
            optimizer = networks.CreateOptimizer(s.Adam.Beta1, s.Adam.Beta2, s.Adam.Eps);
        }

        using var _n = networks;
        using var _o = optimizer;
        var loss = new MsnLoss(s.Loss);
        using var log = new RunLog(runFolder, resume ? step : null, s.TensorBoard);
        var clock = Stopwatch.StartNew();
        double stepMsSum = 0, dataMsSum = 0;
        long timedSteps = 0;
        bool completed = step >= totalSteps;
        long lastSaved = step, firstStep = step;

        JsonObject TrainingState(long doneSteps) => new()
        {
            ["step"] = doneSteps,
            ["epoch"] = doneSteps / schedule.IterationsPerEpoch,
            ["iterations_per_epoch"] = schedule.IterationsPerEpoch,
            ["seed"] = s.Seed,
            ["threads"] = threads,
            ["rng"] = "every random draw derives from (seed, step) or (seed, epoch, image index); no generator state is needed",
            ["config"] = s.ConfigText,
        };
        void Save(long doneSteps, int? completedEpoch)
        {
            using var ck = networks.ToCheckpoint(optimizer, TrainingState(doneSteps), copy: false);
            store.Save(ck, completedEpoch);
            // The view owns only the optimizer's step counters (new scalars); the rest are live training tensors.
            foreach (var (key, t) in ck.Optimizer!)
                if (key.EndsWith(".step", StringComparison.Ordinal)) t.Dispose();
            lastSaved = doneSteps;
        }

        // ============ the loop ============
        if (!completed)
        {
            int numPatches = networks.Encoder.NumPatchesFor(loader.Augmentation.Global.Size);
            var batches = loader.Read((int)(step / schedule.IterationsPerEpoch), (int)(step % schedule.IterationsPerEpoch),
                cancellation: cancellation);
            using var enumerator = batches.GetEnumerator();
            ManagedGarbage.Collect();   // what setting up (reading the dataset, restoring) left behind
            while (step < totalSteps && !cancellation.IsCancellationRequested)
            {
                var wait = Stopwatch.StartNew();
                try
                {
                    if (!enumerator.MoveNext()) break;
                }
                catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
                {
                    break;
                }
                double dataMs = wait.Elapsed.TotalMilliseconds;
                using var batch = enumerator.Current;
                var stepClock = Stopwatch.StartNew();
                var metrics = TrainOneStep(networks, optimizer, loss, batch, schedule, numPatches, step);
                double stepMs = stepClock.Elapsed.TotalMilliseconds;
                metrics = metrics with { Milliseconds = stepMs, DataWaitMilliseconds = dataMs };
                if (step - firstStep >= WarmupSteps)   // the first steps of a process are slow (allocator, JIT)
                {
                    stepMsSum += stepMs;
                    dataMsSum += dataMs;
                    timedSteps++;
                }
                step++;
                bool epochEnd = step % schedule.IterationsPerEpoch == 0;
                if (s.LogEvery <= 1 || step == 1 || step % s.LogEvery == 0 || step == totalSteps || epochEnd) log.Write(metrics);
                if (epochEnd) Save(step, (int)(step / schedule.IterationsPerEpoch));
                else if (s.CheckpointEvery > 0 && step % s.CheckpointEvery == 0) Save(step, null);
                double perStep = timedSteps > 0 ? (stepMsSum + dataMsSum) / timedSteps : stepMs + dataMs;
                progress?.Report(new TrainingProgress(step, totalSteps, metrics.Epoch, metrics,
                    batch.Count * 1000.0 / Math.Max(1e-9, stepMs + dataMs),
                    TimeSpan.FromMilliseconds(perStep * (totalSteps - step))));
            }
            completed = step >= schedule.TotalSteps;
        }
        if (lastSaved != step || !store.HasLatest) Save(step, null);
        LossCurveChart.SavePng(log.CsvPath, Path.Combine(runFolder, "loss_curve.png"), "MSN pretraining");
        return new TrainingOutcome(step, completed, store.LatestPath, clock.Elapsed.TotalSeconds,
            timedSteps > 0 ? stepMsSum / timedSteps : 0, timedSteps > 0 ? dataMsSum / timedSteps : 0);

        (MsnNetworks, AdamW) Restore(MsnCheckpoint ck)
        {
            var nets = MsnNetworks.FromCheckpoint(ck, s.Device);
            var opt = nets.CreateOptimizer(s.Adam.Beta1, s.Adam.Beta2, s.Adam.Eps);
            if (ck.Optimizer is { Count: > 0 } state) opt.LoadStateDict(state);
            return (nets, opt);
        }
    }

    /// <summary>
    /// One step on a loader batch at global step <paramref name="step"/>: draws the step's mask and stochastic-depth
    /// seed from (seed, step), moves the views to the device and runs <see cref="MsnStep"/> with the scheduled values.
    /// Ends with a collection of the step's managed garbage (<see cref="ManagedGarbage"/>), so step timings include it.
    /// </summary>
    public StepMetrics TrainOneStep(MsnNetworks networks, AdamW optimizer, MsnLoss loss, MultiViewBatch batch,
        ScheduleSettings schedule, int numPatches, long step, StepProfile? profile = null)
    {
        var metrics = RunStep(networks, optimizer, loss, batch, schedule, numPatches, step, profile);
        ManagedGarbage.Collect();
        return metrics;
    }

    private StepMetrics RunStep(MsnNetworks networks, AdamW optimizer, MsnLoss loss, MultiViewBatch batch,
        ScheduleSettings schedule, int numPatches, long step, StepProfile? profile)
    {
        ArgumentNullException.ThrowIfNull(networks);
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(schedule);
        var s = Settings;
        using var scope = NewDisposeScope();
        torch.manual_seed((long)(StepRandomness.Seed(s.Seed, step, StepRandomness.DropPathStream) >> 1));
        Tensor? keep = null;
        if (s.PatchDrop > 0)
        {
            using var g = new Generator(StepRandomness.Seed(s.Seed, step, StepRandomness.MaskStream));
            keep = RandomPatchMasker.Draw(numPatches, s.PatchDrop, s.MaskSharing, batch.Count, g, s.Device);
        }
        var inputs = new StepInputs(batch.Target.to(s.Device), batch.Anchor.to(s.Device),
            batch.Focal.Select(f => f.to(s.Device)).ToList(), keep);
        var settings = new StepSettings(Schedules.LearningRate(step, schedule), Schedules.WeightDecay(step, schedule),
            Schedules.Momentum(step, schedule), Schedules.SharpenTemperature(step, schedule), s.ClipGrad);
        return MsnStep.Run(networks, optimizer, loss, inputs, settings, step, (int)(step / schedule.IterationsPerEpoch), profile);
    }

    /// <summary>Formats a duration as h:mm:ss.</summary>
    public static string FormatDuration(TimeSpan t) =>
        string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}:{t.Minutes:D2}:{t.Seconds:D2}");
}
