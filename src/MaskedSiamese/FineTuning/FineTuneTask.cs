using System.Text.Json.Nodes;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Data;
using MaskedSiamese.Data.Augmentation;
using MaskedSiamese.Engine;
using MaskedSiamese.Evaluation;
using MaskedSiamese.Models;
using MaskedSiamese.Models.Layers;
using MaskedSiamese.Optimization;
using MaskedSiamese.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.FineTuning;

/// <summary>
/// Full fine-tuning as a task of <see cref="TrainingLoop"/>: the source checkpoint's target encoder (with drop-path)
/// and a linear head (a linear probe's, or zero) on the classifier's feature path (<see cref="FineTuneNetwork"/>),
/// AdamW over layer-decayed groups (<see cref="LayerDecay"/>), the label-smoothed cross-entropy, and a linear warm-up
/// then cosine learning rate as a pure function of the step. Each step seeds drop-path from (seed, step) and reads the
/// batch of that step (<see cref="LabelledBatchLoader"/>), so a run stopped anywhere and resumed ends with the same
/// weights.
/// </summary>
public sealed class FineTuneTask : ITrainingTask<LabelledBatch>, IDisposable
{
    private readonly MsnCheckpoint _source;
    private readonly IImageSource _labelled;
    private readonly FineTuneOptions _options;
    private readonly StepContext _context;
    private readonly LabelledBatchLoader _loader;
    private readonly ScheduleSettings _schedule;
    private AdamW? _optimizer;
    private Generator? _dropPathDraws;
    private IReadOnlyList<LayerDecayGroup> _groups = [];

    /// <summary>Creates the task; nothing is built before <see cref="Start"/>.</summary>
    /// <param name="source">The pretrained checkpoint (its target encoder, or its encoder when it has no
    /// target).</param>
    /// <param name="labelled">The labelled images (every item labelled).</param>
    /// <param name="transform">The classifier's evaluation transform; the training crops use its size, mean and
    /// std.</param>
    /// <param name="options">The recipe.</param>
    /// <param name="context">Device (one process, float32).</param>
    public FineTuneTask(MsnCheckpoint source, IImageSource labelled, EvalTransform transform, FineTuneOptions options,
        StepContext context)
    {
        _source = source ?? throw new ArgumentNullException(nameof(source));
        _labelled = labelled ?? throw new ArgumentNullException(nameof(labelled));
        ArgumentNullException.ThrowIfNull(transform);
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _context = context ?? throw new ArgumentNullException(nameof(context));
        Transform = transform;
        var view = new ViewOptions
        {
            Size = transform.CropSize,
            Scale = options.CropScale,
            Antialias = transform.Antialias,
            FlipProbability = 0.5,
            JitterProbability = 0,
            GrayscaleProbability = 0,
            BlurProbability = 0,
            Mean = transform.Mean,
            Std = transform.Std,
        };
        _loader = new LabelledBatchLoader(labelled, view, options.BatchSize, options.Seed, options.Workers);
        // The nominal end of the cosine is reached at the last step (horizon = the run), starting from 0.
        _schedule = new ScheduleSettings(options.Epochs, _loader.BatchesPerEpoch)
        {
            WarmupEpochs = options.ResolvedWarmupEpochs,
            StartLearningRate = 0,
            ReferenceLearningRate = options.LearningRate,
            FinalLearningRate = options.MinLearningRate,
            HorizonMultiplier = 1.0,
        };
    }

    /// <inheritdoc />
    public string Title => "fine-tuning";

    /// <inheritdoc />
    public long StepsPerEpoch => _schedule.IterationsPerEpoch;

    /// <inheritdoc />
    public long TotalSteps => _schedule.TotalSteps;

    /// <summary>Images per step.</summary>
    public int BatchSize => _loader.BatchSize;

    /// <summary>The classifier's evaluation transform.</summary>
    public EvalTransform Transform { get; }

    /// <summary>The network (after <see cref="Start"/>).</summary>
    public FineTuneNetwork Network { get; private set; } = null!;

    /// <summary>The AdamW groups with their layer factors (after <see cref="Start"/>).</summary>
    public IReadOnlyList<LayerDecayGroup> Groups => _groups;

    /// <summary>The label-smoothed loss of the last step run (restored on resume).</summary>
    public double LastLoss { get; private set; } = double.NaN;

    /// <summary>The source encoder's trunk: what the classifier file and the checkpoints record.</summary>
    public EncoderArchitecture Trunk => new(_source.Architecture.Vit, null, null);

    /// <inheritdoc />
    public TrainingState Start(string? checkpoint)
    {
        Network?.Dispose();
        _optimizer?.Dispose();
        Network = new FineTuneNetwork(BuildEncoder(), _options.Features, _labelled.ClassNames.Count,
            _options.LogitScale);
        _dropPathDraws?.Dispose();
        _dropPathDraws = new Generator(0, _context.Device);
        Network.Encoder.DropPathGenerator = _dropPathDraws;
        var named = Network.named_parameters().Select(p => (p.name, p.parameter)).ToList();
        _groups = LayerDecay.Groups(named, Trunk.Vit.Depth, _options.LayerDecay);
        _optimizer = new AdamW(_groups.Select(g => g.Group).ToList(), _options.Betas.Beta1, _options.Betas.Beta2);
        if (checkpoint is null)
        {
            if (_options.ProbeHead) StartFromProbe();
            return new TrainingState(0, torch.get_num_threads());
        }
        var training = FineTuneCheckpoint.Restore(checkpoint, Network, _optimizer, Trunk);
        RequireSameRun(checkpoint, training);
        LastLoss = training["last_loss"] is JsonValue loss && loss.TryGetValue(out double l) ? l : double.NaN;
        var (step, threads) = FineTuneCheckpoint.Progress(checkpoint, training, TotalSteps);
        return new TrainingState(step, threads);
    }

    /// <summary>Training accuracy of the starting probe (null with a zero head or after a resume).</summary>
    public double? ProbeAccuracy { get; private set; }

    // LP-FT: the head starts as msn fit's logistic regression on the starting encoder's features (evaluation transform,
    // eval mode), so fine-tuning begins from a classifier as good as fit's instead of from chance.
    private void StartFromProbe()
    {
        using var table = FeatureExtractor.Extract(Network.Encoder, _labelled, Transform,
            new FeatureExtractorOptions { Choice = _options.Features, BatchSize = 64, Workers = _options.Workers });
        using var wide = table.Features.to(float64);
        using var cpu = wide.cpu();
        using var x = FeaturePreprocessing.CenterAndNormalize(cpu);
        var probe = MultinomialLogisticRegression.Fit(x, table.Labels, _labelled.ClassNames.Count,
            new LogisticRegressionOptions { Lambda = _options.ProbeLambda });
        Network.SetFoldedHead(probe.Weights.ToArray());
        ProbeAccuracy = probe.Accuracy(x, table.Labels);
    }

    // The source's trunk with this recipe's drop-path; the pretraining projection head plays no part.
    private VisionTransformer BuildEncoder()
    {
        var weights = _source.TargetEncoder ?? _source.Encoder
            ?? throw new CheckpointFormatException("the checkpoint holds no encoder");
        var architecture = Trunk with { Vit = Trunk.Vit with { DropPathRate = _options.DropPath } };
        var shapes = architecture.StateDictShapes();
        var encoder = architecture.CreateEncoder();
        if (_context.Device.type != DeviceType.CPU) encoder.to(_context.Device);
        StateDictLoader.Load(encoder, weights.Where(kv => shapes.ContainsKey(kv.Key)).ToDictionary(),
            "the checkpoint's encoder");
        return encoder;
    }

    // A resumed run continues the same schedule on the same images; anything else would be a different run.
    private void RequireSameRun(string checkpoint, JsonObject training)
    {
        var classes = training["class_names"] is JsonArray names
            && names.All(n => n is JsonValue v && v.TryGetValue(out string? _))
            ? names.Select(n => n!.GetValue<string>()).ToArray()
            : throw new CheckpointFormatException($"{checkpoint}: training state 'class_names' is not a list of names");
        if (!classes.SequenceEqual(_labelled.ClassNames))
            throw new CheckpointFormatException($"{checkpoint}: written for classes {string.Join(", ", classes)}, " +
                $"the labelled folder has {string.Join(", ", _labelled.ClassNames)}");
        string recipe = training["recipe"] is JsonValue r && r.TryGetValue(out string? text) ? text : "";
        if (recipe != _options.Recipe())
            throw new CheckpointFormatException($"{checkpoint}: written with another recipe ({recipe}); resume with " +
                $"the same options");
        long perEpoch = training["iterations_per_epoch"] is JsonValue p && p.TryGetValue(out double d) ? (long)d : -1;
        if (perEpoch != StepsPerEpoch)
            throw new CheckpointFormatException($"{checkpoint}: {perEpoch} steps per epoch, the labelled images now " +
                $"give {StepsPerEpoch}; resume on the same images");
    }

    /// <inheritdoc />
    public IEnumerable<LabelledBatch> ReadBatches(long fromStep, CancellationToken cancellation) =>
        _loader.Read(fromStep, cancellation);

    /// <inheritdoc />
    public StepResult RunStep(LabelledBatch batch, long globalStep, StepProfile? profile)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var optimizer = _optimizer ?? throw new InvalidOperationException("Start the task before stepping it");
        using var scope = NewDisposeScope();
        // Drop-path draws from the task's own generator, reseeded by (seed, step): no saved state to resume.
        StepRandomness.SeedDropPath(_dropPathDraws!, _options.Seed, globalStep);
        Network.train();
        var labels = batch.Labels.to(_context.Device);
        var logits = Network.call(batch.Images.to(_context.Device));
        var loss = LabelSmoothing.CrossEntropy(logits, labels, _options.LabelSmoothing);
        double value = loss.item<float>();
        // A loss that is not finite stops the run before the parameters change (the loop's contract).
        if (!double.IsFinite(value)) return new StepResult(value, batch.Count, [new("loss", value)]);
        optimizer.ZeroGrad();
        loss.backward();
        MlpBranchFunction.ReleaseReturnedGradients();
        double lr = Schedules.LearningRate(globalStep, _schedule);
        LayerDecay.Apply(_groups, lr, _options.WeightDecay);
        optimizer.Step();
        double accuracy = logits.argmax(1).eq(labels).to(float64).mean().item<double>();
        LastLoss = value;
        return new StepResult(value, batch.Count,
            [new("loss", value), new("acc", accuracy), new("lr", lr),
                new("lr_embed", lr * _groups[0].LearningRateScale)]);
    }

    /// <inheritdoc />
    public void SaveCheckpoint(string path, TrainingState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var optimizer = _optimizer ?? throw new InvalidOperationException("Start the task before saving it");
        var training = new JsonObject
        {
            ["task"] = "finetune",
            ["step"] = state.Step,
            ["epoch"] = state.Step / StepsPerEpoch,
            ["iterations_per_epoch"] = StepsPerEpoch,
            ["threads"] = state.Threads,
            ["seed"] = _options.Seed,
            ["recipe"] = _options.Recipe(),
            ["class_names"] = new JsonArray([.. _labelled.ClassNames.Select(n => (JsonNode)n)]),
            ["rng"] = "every random draw derives from (seed, step) or (seed, epoch, image index); no " +
                "generator state is needed",
        };
        if (double.IsFinite(LastLoss)) training["last_loss"] = LastLoss;
        FineTuneCheckpoint.Write(path, Network, optimizer, Trunk, training);
    }

    /// <inheritdoc />
    public void WriteReports(string runFolder, string logCsvPath) =>
        FineTuneChart.SavePng(logCsvPath, Path.Combine(runFolder, "loss_curve.png"), "Fine-tuning");

    /// <inheritdoc />
    public void Dispose()
    {
        _optimizer?.Dispose();
        Network?.Dispose();
        _dropPathDraws?.Dispose();
    }
}
