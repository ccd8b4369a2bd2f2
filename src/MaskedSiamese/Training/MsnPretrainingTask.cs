using System.Text.Json.Nodes;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Data;
using MaskedSiamese.Diagnostics;
using MaskedSiamese.Engine;
using MaskedSiamese.Loss;
using MaskedSiamese.Masking;
using MaskedSiamese.Optimization;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Training;

/// <summary>
/// MSN pretraining as a task of <see cref="TrainingLoop"/>: the networks (fresh, from weights, or restored from the
/// run's checkpoint), AdamW, the loss and the multi-view batches; each step draws its mask and stochastic-depth seed
/// from (seed, step), takes the scheduled values as pure functions of the step, and runs <see cref="MsnStep"/>.
/// </summary>
public sealed class MsnPretrainingTask : ITrainingTask<MultiViewBatch>, IDisposable
{
    private readonly TrainerSettings _settings;
    private readonly MultiViewLoader _loader;
    private readonly StepContext _context;
    private readonly MsnCheckpoint? _initFrom;
    private readonly ScheduleSettings _schedule;
    private AdamW? _optimizer;
    private MsnStep? _step;
    private int _numPatches;

    /// <summary>Creates the task; nothing is built before <see cref="Start"/>.</summary>
    /// <param name="settings">The resolved run settings.</param>
    /// <param name="loader">The multi-view batches.</param>
    /// <param name="context">Device, precision and collective.</param>
    /// <param name="initFrom">Start from these weights (and optimizer state, when present) instead of a fresh
    /// initialisation; ignored when resuming.</param>
    public MsnPretrainingTask(TrainerSettings settings, MultiViewLoader loader, StepContext context, MsnCheckpoint? initFrom = null)
    {
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _loader = loader ?? throw new ArgumentNullException(nameof(loader));
        _context = context ?? throw new ArgumentNullException(nameof(context));
        _initFrom = initFrom;
        _schedule = settings.Schedule with { IterationsPerEpoch = loader.BatchesPerEpoch };
    }

    /// <inheritdoc />
    public string Title => "MSN pretraining";

    /// <inheritdoc />
    public long StepsPerEpoch => _schedule.IterationsPerEpoch;

    /// <inheritdoc />
    public long TotalSteps => _schedule.TotalSteps;

    /// <summary>The networks (after <see cref="Start"/>).</summary>
    public MsnNetworks Networks { get; private set; } = null!;

    /// <inheritdoc />
    public TrainingState Start(string? checkpoint)
    {
        var s = _settings;
        var state = new TrainingState(0, torch.get_num_threads());
        if (checkpoint is not null)
        {
            using var latest = MsnCheckpoint.Load(checkpoint);
            if (latest.Architecture != s.Architecture)
                throw new CheckpointFormatException($"{checkpoint}: its architecture differs from the configuration's");
            state = new TrainingState((long)(latest.Training?["step"]?.GetValue<double>() ?? 0),
                (int)(latest.Training?["threads"]?.GetValue<double>() ?? state.Threads));
            Restore(latest);
        }
        else if (_initFrom is not null)
        {
            Restore(_initFrom);
        }
        else
        {
            Networks = MsnNetworks.Create(s.Architecture, _context.Device, s.Seed);
            _optimizer = Networks.CreateOptimizer(s.Adam.Beta1, s.Adam.Beta2, s.Adam.Eps);
        }
        Networks.UseCollective(_context.Collective);
        _numPatches = Networks.Encoder.NumPatchesFor(_loader.Augmentation.Global.Size);
        _step = new MsnStep(Networks, _optimizer!, new MsnLoss(s.Loss, _context.Collective), _context);
        return state;
    }

    private void Restore(MsnCheckpoint ck)
    {
        Networks = MsnNetworks.FromCheckpoint(ck, _context.Device);
        _optimizer = Networks.CreateOptimizer(_settings.Adam.Beta1, _settings.Adam.Beta2, _settings.Adam.Eps);
        if (ck.Optimizer is { Count: > 0 } state) _optimizer.LoadStateDict(state);
    }

    /// <inheritdoc />
    public IEnumerable<MultiViewBatch> ReadBatches(long fromStep, CancellationToken cancellation) =>
        _loader.Read((int)(fromStep / StepsPerEpoch), (int)(fromStep % StepsPerEpoch), cancellation: cancellation);

    /// <inheritdoc />
    public StepResult RunStep(MultiViewBatch batch, long globalStep, StepProfile? profile)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var metrics = Metrics(batch, globalStep, profile);
        return new StepResult(metrics.Loss, batch.Count, metrics.ToNamedValues());
    }

    /// <summary>Runs global step <paramref name="step"/> and returns the MSN metrics.</summary>
    public StepMetrics Metrics(MultiViewBatch batch, long step, StepProfile? profile = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var step1 = _step ?? throw new InvalidOperationException("Start the task before stepping it");
        var s = _settings;
        var device = _context.Device;
        using var scope = NewDisposeScope();
        torch.manual_seed((long)(StepRandomness.Seed(s.Seed, step, StepRandomness.DropPathStream) >> 1));
        Tensor? keep = null;
        if (s.PatchDrop > 0)
        {
            using var g = new Generator(StepRandomness.Seed(s.Seed, step, StepRandomness.MaskStream));
            keep = RandomPatchMasker.Draw(_numPatches, s.PatchDrop, s.MaskSharing, batch.Count, g, device);
        }
        var inputs = new StepInputs(batch.Target.to(device), batch.Anchor.to(device),
            batch.Focal.Select(f => f.to(device)).ToList(), keep);
        var values = new StepSettings(Schedules.LearningRate(step, _schedule), Schedules.WeightDecay(step, _schedule),
            Schedules.Momentum(step, _schedule), Schedules.SharpenTemperature(step, _schedule), s.ClipGrad);
        return step1.Run(inputs, values, step, (int)(step / StepsPerEpoch), profile);
    }

    /// <inheritdoc />
    public void SaveCheckpoint(string path, TrainingState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        using var ck = Networks.ToCheckpoint(_optimizer, TrainingJson(state), copy: false);
        ck.Save(path);
        // The view owns only the optimizer's step counters (new scalars); the rest are live training tensors.
        foreach (var (key, t) in ck.Optimizer!)
            if (key.EndsWith(".step", StringComparison.Ordinal)) t.Dispose();
    }

    private JsonObject TrainingJson(TrainingState state) => new()
    {
        ["step"] = state.Step,
        ["epoch"] = state.Step / StepsPerEpoch,
        ["iterations_per_epoch"] = StepsPerEpoch,
        ["seed"] = _settings.Seed,
        ["threads"] = state.Threads,
        ["rng"] = "every random draw derives from (seed, step) or (seed, epoch, image index); no generator state is needed",
        ["config"] = _settings.ConfigText,
    };

    /// <inheritdoc />
    public void WriteReports(string runFolder, string logCsvPath) =>
        LossCurveChart.SavePng(logCsvPath, Path.Combine(runFolder, "loss_curve.png"), Title);

    /// <inheritdoc />
    public void Dispose()
    {
        _optimizer?.Dispose();
        Networks?.Dispose();
    }
}
