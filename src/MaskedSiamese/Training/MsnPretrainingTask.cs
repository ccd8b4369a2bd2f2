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
    private readonly MsnRecipe _settings;
    private readonly MultiViewLoader _loader;
    private readonly StepContext _context;
    private readonly MsnCheckpoint? _initFrom;
    private readonly IStepMonitor? _monitor;
    private readonly ScheduleSettings _schedule;
    private AdamW? _optimizer;
    private MsnStep? _step;
    private int _numPatches;
    private Generator? _dropPathDraws;

    /// <summary>Creates the task; nothing is built before <see cref="Start"/>.</summary>
    /// <param name="settings">What to train; its schedule's epoch length must be the loader's.</param>
    /// <param name="loader">The multi-view batches.</param>
    /// <param name="context">Device, precision and collective.</param>
    /// <param name="initFrom">Start from these weights (and optimizer state, when present) instead of a fresh
    /// initialisation; ignored when resuming.</param>
    /// <param name="monitor">Measures the networks at its cadence, for the log (the first process only).</param>
    /// <exception cref="ArgumentException">The schedule's epoch is not the loader's number of batches.</exception>
    public MsnPretrainingTask(MsnRecipe settings, MultiViewLoader loader, StepContext context,
        MsnCheckpoint? initFrom = null, IStepMonitor? monitor = null)
    {
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _loader = loader ?? throw new ArgumentNullException(nameof(loader));
        _context = context ?? throw new ArgumentNullException(nameof(context));
        _initFrom = initFrom;
        _monitor = monitor;
        _schedule = settings.Schedule;
        if (_schedule.IterationsPerEpoch != loader.BatchesPerEpoch)
            throw new ArgumentException(
                $"the schedule's epoch has {_schedule.IterationsPerEpoch} steps, the loader's " +
                $"{loader.BatchesPerEpoch} batches", nameof(settings));
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
        var collective = _context.Collective;
        CollectiveStart.RequireSameOnAllRanks(collective, s.ConfigText ?? "", "configuration");
        if (collective.WorldSize > 1 && s.Architecture.Vit.DropPathRate > 0)
            throw new CollectiveException("meta.drop_path_rate > 0 under several processes: drop-path is drawn per " +
                "process batch, so the result would depend on the split");
        var state = new TrainingState(0, torch.get_num_threads());
        if (checkpoint is not null)
        {
            // Only rank 0's machine need hold the run folder: the others get the checkpoint from it.
            using var latest = collective.WorldSize == 1
                ? MsnCheckpoint.Load(checkpoint)
                : MsnCheckpoint.Load(checkpoint, CollectiveStart.FileFromRankZero(collective, checkpoint));
            if (latest.Architecture != s.Architecture)
                throw new CheckpointFormatException($"{checkpoint}: its architecture differs from the configuration's");
            var record = TrainingRecord.From(latest.Training, checkpoint);
            int savedWorld = record?.WorldSize ?? 1;
            if (savedWorld != collective.WorldSize)
                throw new CheckpointFormatException($"{checkpoint} was written by {savedWorld} process(es): " +
                    $"resume with the same number, not {collective.WorldSize}");
            state = new TrainingState(record?.Step ?? 0, record?.Threads ?? state.Threads);
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
        // Every rank builds from the same seed or file; rank 0's values are made everyone's all the same.
        CollectiveStart.BroadcastFromRankZero(collective, Networks.Encoder, Networks.TargetEncoder);
        CollectiveStart.BroadcastFromRankZero(collective, [Networks.Prototypes]);
        Networks.UseCollective(collective);
        _dropPathDraws?.Dispose();
        _dropPathDraws = new Generator(0, _context.Device);
        Networks.Encoder.DropPathGenerator = _dropPathDraws;
        Networks.TargetEncoder.DropPathGenerator = _dropPathDraws;
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
        var values = metrics.ToNamedValues();
        if (_monitor is not null) values = [.. values, .. Monitored(globalStep + 1)];
        return new StepResult(metrics.Loss, batch.Count * _context.Collective.WorldSize, values);
    }

    // The log's columns are fixed by its first row, so the monitor's columns are in every row: NaN where it did not
    // measure. Only the first process writes the log, so only it measures.
    private IEnumerable<NamedValue> Monitored(long stepsDone)
    {
        var names = _monitor!.Names;
        bool measure = _context.IsPrimary && _monitor.IsDue(stepsDone);
        var values = measure ? _monitor.Measure(Networks) : null;
        for (int i = 0; i < names.Count; i++) yield return new NamedValue(names[i], values?[i] ?? double.NaN);
    }

    /// <summary>Runs global step <paramref name="step"/> and returns the MSN metrics.</summary>
    public StepMetrics Metrics(MultiViewBatch batch, long step, StepProfile? profile = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var step1 = _step ?? throw new InvalidOperationException("Start the task before stepping it");
        var s = _settings;
        var device = _context.Device;
        using var scope = NewDisposeScope();
        StepRandomness.SeedDropPath(_dropPathDraws!, s.Seed, step);
        Tensor? keep = null;
        if (s.PatchDrop > 0)
        {
            using var g = new Generator(StepRandomness.Seed(s.Seed, step, StepRandomness.MaskStream));
            keep = DrawMask(batch.Count, g);
        }
        var inputs = new StepInputs(batch.Target.to(device), batch.Anchor.to(device),
            batch.Focal.Select(f => f.to(device)).ToList(), keep);
        var values = new StepSettings(Schedules.LearningRate(step, _schedule), Schedules.WeightDecay(step, _schedule),
            Schedules.Momentum(step, _schedule), Schedules.SharpenTemperature(step, _schedule), s.ClipGrad);
        var metrics = step1.Run(inputs, values, step, (int)(step / StepsPerEpoch), profile);
        return GlobalMetrics(metrics);
    }

    // Per-sample masks are drawn for the whole global batch and this rank keeps its rows (the loader's interleaved
    // share), so the masks do not depend on how the batch is split; a batch-shared mask is the same on every rank.
    private Tensor DrawMask(long localBatch, Generator g)
    {
        var s = _settings;
        var c = _context.Collective;
        if (c.WorldSize == 1 || s.MaskSharing == MaskSharing.SharedPerBatch)
            return RandomPatchMasker.Draw(_numPatches, s.PatchDrop, s.MaskSharing, localBatch, g, _context.Device);
        using var all = RandomPatchMasker.Draw(_numPatches, s.PatchDrop, s.MaskSharing, localBatch * c.WorldSize, g,
            _context.Device);
        return all[TensorIndex.Slice(c.Rank, null, c.WorldSize)].contiguous();
    }

    // The logged loss, its terms and the target statistics are means over the rows of the global batch: with equal
    // shares that is the mean of the ranks' means. np stays rank 0's, as the official log (a count of distinct
    // argmaxes is not a mean). A rank's NaN reaches every rank through the sum, so all stop at the same step.
    private StepMetrics GlobalMetrics(StepMetrics m)
    {
        var c = _context.Collective;
        if (c.WorldSize == 1) return m;
        using var values = torch.tensor(new[] { m.Loss, m.Msn, m.MeMax, m.Entropy, m.MaxT, m.MinT });
        c.AllReduceMean(values);
        var v = values.data<double>().ToArray();
        return m with { Loss = v[0], Msn = v[1], MeMax = v[2], Entropy = v[3], MaxT = v[4], MinT = v[5] };
    }

    /// <inheritdoc />
    public void SaveCheckpoint(string path, TrainingState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        // The view holds the live training tensors; what it makes (the optimizer's step counters) is this scope's.
        using var scope = NewDisposeScope();
        using var ck = Networks.ToCheckpoint(_optimizer, Record(state).ToJson(), copy: false);
        ck.Save(path);
    }

    private TrainingRecord Record(TrainingState state) => new()
    {
        Step = state.Step,
        Epoch = state.Step / StepsPerEpoch,
        IterationsPerEpoch = StepsPerEpoch,
        Seed = _settings.Seed,
        Threads = state.Threads,
        Precision = _context.Precision.ConfigName(),
        Rng = "every random draw derives from (seed, step) or (seed, epoch, image index); no generator state is needed",
        Config = _settings.ConfigText,
        // Written only for several processes, so one process's checkpoints stay as they were; absent means 1.
        WorldSize = _context.Collective.WorldSize > 1 ? _context.Collective.WorldSize : null,
    };

    /// <inheritdoc />
    public void WriteReports(string runFolder, string logCsvPath)
    {
        LossCurveChart.SavePng(logCsvPath, Path.Combine(runFolder, "loss_curve.png"), Title);
        if (MonitorChart.HasMeasurements(logCsvPath))
            MonitorChart.SavePng(logCsvPath, Path.Combine(runFolder, "monitor.png"), Title + ": monitor");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _optimizer?.Dispose();
        Networks?.Dispose();
        _dropPathDraws?.Dispose();
    }
}
