using System.Globalization;
using MaskedSiamese.Configuration;
using MaskedSiamese.Engine;
using MaskedSiamese.Evaluation;
using static TorchSharp.torch;

namespace MaskedSiamese.FineTuning;

/// <summary>
/// The fine-tuning recipe (msn-spec §5.3: the paper's MAE-style recipe for ViT-B/16 on ImageNet, 100 epochs at batch
/// 1024, lr 0.002, layer decay 0.65, drop-path 0.2, label smoothing 0.1, 5 warm-up epochs then cosine), scaled for a
/// few labelled images on a CPU: 50 epochs at batch 32, lr 5e-4 for the head (layer-decayed below it), a tenth of
/// the epochs as warm-up, drop-path 0.1 (the paper's transfer value), weight decay 0.05 (MAE's), crops of 80–100% of
/// the image (small images do not survive MAE's 8% crops; 25% lost accuracy on Fashion-MNIST), the head started from a
/// linear probe. No RandAugment, mixup or cutmix.
/// </summary>
public sealed record FineTuneOptions
{
    /// <summary>Passes over the labelled images (default 50).</summary>
    public int Epochs { get; init; } = 50;

    /// <summary>Images per step (default 32); a set smaller than this is one batch per epoch.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Peak learning rate of the head after warm-up (default 5e-4); block i of L gets
    /// lr·<see cref="LayerDecay"/>^(L−i), the embeddings lr·<see cref="LayerDecay"/>^(L+1).</summary>
    public double LearningRate { get; init; } = 5e-4;

    /// <summary>Learning rate at the end of the cosine decay (default 1e-6).</summary>
    public double MinLearningRate { get; init; } = 1e-6;

    /// <summary>Epochs of linear warm-up from 0 (may be fractional); null (the default) takes a tenth of
    /// <see cref="Epochs"/>, 5 of the default 50 (the paper: 5 of 100).</summary>
    public double? WarmupEpochs { get; init; }

    /// <summary>The warm-up in epochs: <see cref="WarmupEpochs"/>, or a tenth of <see cref="Epochs"/>.</summary>
    public double ResolvedWarmupEpochs => WarmupEpochs ?? Epochs / 10.0;

    /// <summary>Layer-wise learning-rate decay (default 0.65; 1 gives every layer the head's rate).</summary>
    public double LayerDecay { get; init; } = 0.65;

    /// <summary>AdamW weight decay of weight matrices (default 0.05); biases, norms, the positional embeddings and the
    /// [CLS] token get none.</summary>
    public double WeightDecay { get; init; } = 0.05;

    /// <summary>Stochastic-depth rate of the last block, rising linearly from 0 at the first (default 0.1).</summary>
    public double DropPath { get; init; } = 0.1;

    /// <summary>Label smoothing ε of the cross-entropy (default 0.1).</summary>
    public double LabelSmoothing { get; init; } = 0.1;

    /// <summary>Range of the random crop's area as a fraction of the image (default 0.8–1, measured on Fashion-MNIST
    /// at 10 labels per class: 0.25–1 lost 12 points against it; aspect 3/4–4/3, then a horizontal flip with
    /// probability ½).</summary>
    public (double Min, double Max) CropScale { get; init; } = (0.8, 1.0);

    /// <summary>
    /// Fixed factor s on the logits during training (default 10): the head reads centred, L2-normalised features, whose
    /// logits x·W would need large weights to become confident; training uses s·x·W and the classifier file stores
    /// s·W, so its probabilities are those of training.
    /// </summary>
    public double LogitScale { get; init; } = 10;

    /// <summary>
    /// Whether the head starts from a linear probe (default: the logistic regression of <c>msn fit</c> on the frozen
    /// starting features, λ <see cref="ProbeLambda"/>, divided by <see cref="LogitScale"/>: "LP-FT", Kumar et al.
    /// 2022) or from zero (MAE's near-zero head). From zero, a few hundred steps of AdamW move each head weight by at
    /// most lr per step, too little for a confident head on a few images.
    /// </summary>
    public bool ProbeHead { get; init; } = true;

    /// <summary>λ of the starting probe (default 0.0025, the official low-shot value; objective Σ
    /// CE + λ/2‖W‖²).</summary>
    public double ProbeLambda { get; init; } = LogisticRegressionOptions.DefaultLambda;

    /// <summary>AdamW β₁, β₂ (default 0.9, 0.999).</summary>
    public (double Beta1, double Beta2) Betas { get; init; } = (0.9, 0.999);

    /// <summary>Seed of the epoch order, the augmentations and drop-path (default 0).</summary>
    public int Seed { get; init; }

    /// <summary>Which encoder output the head reads (default the last block's [CLS], as <c>msn fit</c>).</summary>
    public FeatureChoice Features { get; init; } = FeatureChoice.LastBlock;

    /// <summary>Which evaluation transform the classifier gets, whose size, mean and std the training crops share
    /// (<c>--normalization</c>; default: the checkpoint's recorded one).</summary>
    public EvalTransformChoice TransformChoice { get; init; } = EvalTransformChoice.Auto;

    /// <summary>Write the latest checkpoint every this many steps (default 50; epoch ends always write one).</summary>
    public int CheckpointEvery { get; init; } = 50;

    /// <summary>Write a log row every this many steps (default 1).</summary>
    public int LogEvery { get; init; } = 1;

    /// <summary>Stop after this many global steps (the schedule still spans every epoch, so a resumed run
    /// matches).</summary>
    public long? MaxSteps { get; init; }

    /// <summary>LibTorch threads (0: LibTorch's default, or the resumed run's).</summary>
    public int Threads { get; init; }

    /// <summary>Background threads decoding and augmenting images (default 1).</summary>
    public int Workers { get; init; } = 1;

    /// <summary>Device of the training (default CPU).</summary>
    public Device? Device { get; init; }

    /// <summary>Attention heads of an official checkpoint whose shape matches no official model.</summary>
    public int? NumHeads { get; init; }

    /// <summary>Continue the run of the run folder from its latest checkpoint (with the same recipe and
    /// images).</summary>
    public bool Resume { get; init; }

    /// <summary>Start afresh in a run folder that already holds a run, deleting its checkpoints and logs.</summary>
    public bool Overwrite { get; init; }

    /// <summary>Receives a report after every step (rate, ETA, loss).</summary>
    public IProgress<TrainingProgress>? Progress { get; init; }

    /// <summary>Receives warnings about unreadable labelled images.</summary>
    public TextWriter? Log { get; init; }

    /// <summary>Checks every value; the message names the property and its value, e.g. <c>Epochs 0: must
    /// be ≥ 1</c>.</summary>
    /// <exception cref="FineTuneOptionException">A value is out of range.</exception>
    public void Validate()
    {
        static void Require(bool ok, string name, object value, string rule)
        {
            if (!ok) throw new FineTuneOptionException(name, System.FormattableString.Invariant($"{value}: {rule}"));
        }
        Require(Epochs >= 1, nameof(Epochs), Epochs, "must be ≥ 1");
        Require(BatchSize >= 1, nameof(BatchSize), BatchSize, "must be ≥ 1");
        Require(LearningRate > 0 && LearningRate <= float.MaxValue, nameof(LearningRate), LearningRate,
            "must be > 0 and within float32's range");
        Require(MinLearningRate >= 0 && MinLearningRate <= LearningRate, nameof(MinLearningRate), MinLearningRate,
            "must be in [0, the learning rate]");
        Require(ResolvedWarmupEpochs >= 0 && ResolvedWarmupEpochs <= Epochs, nameof(WarmupEpochs), ResolvedWarmupEpochs,
            "must be in [0, epochs]");
        Require(LayerDecay > 0 && LayerDecay <= 1, nameof(LayerDecay), LayerDecay, "must be in (0, 1]");
        Require(WeightDecay >= 0 && double.IsFinite(WeightDecay), nameof(WeightDecay), WeightDecay, "must be ≥ 0");
        Require(DropPath is >= 0 and < 1, nameof(DropPath), DropPath, "must be in [0, 1)");
        Require(LabelSmoothing is >= 0 and < 1, nameof(LabelSmoothing), LabelSmoothing, "must be in [0, 1)");
        Require(CropScale.Min > 0 && CropScale.Min <= CropScale.Max && CropScale.Max <= 1, nameof(CropScale),
            $"{CropScale.Min},{CropScale.Max}", "must satisfy 0 < min ≤ max ≤ 1");
        Require(ProbeLambda > 0 && double.IsFinite(ProbeLambda), nameof(ProbeLambda), ProbeLambda, "must be > 0");
        Require(LogitScale > 0 && double.IsFinite(LogitScale), nameof(LogitScale), LogitScale, "must be > 0");
        Require(Betas.Beta1 is >= 0 and < 1 && Betas.Beta2 is >= 0 and < 1, nameof(Betas),
            $"{Betas.Beta1},{Betas.Beta2}", "must be in [0, 1)");
        Require(CheckpointEvery >= 0, nameof(CheckpointEvery), CheckpointEvery, "must be ≥ 0");
        Require(LogEvery >= 1, nameof(LogEvery), LogEvery, "must be ≥ 1");
        Require(MaxSteps is null or >= 1, nameof(MaxSteps), MaxSteps ?? 0, "must be ≥ 1");
        Require(Threads >= 0, nameof(Threads), Threads, "must be ≥ 0");
        Require(Workers >= 1, nameof(Workers), Workers, "must be ≥ 1");
        Require(!(Resume && Overwrite), nameof(Resume), "and Overwrite", "choose one");
    }

    /// <summary>How the training loop runs a fine-tuning in <paramref name="runFolder"/>: the cadence, threads, step
    /// limit, resume and overwrite above, the file tag <see cref="FineTuner.Tag"/>, one epoch checkpoint kept, no
    /// TensorBoard events. Pretraining takes the same loop settings from its config's <c>logging</c> section
    /// (<see cref="MsnConfigMapping.ToLoopOptions"/>).</summary>
    public TrainingLoopOptions ToLoopOptions(string runFolder) => new()
    {
        RunFolder = runFolder,
        Tag = FineTuner.Tag,
        Resume = Resume,
        Overwrite = Overwrite,
        Threads = Threads,
        CheckpointEvery = CheckpointEvery,
        LogEvery = LogEvery,
        KeepCheckpoints = 1,
        TensorBoard = false,
        MaxSteps = MaxSteps,
    };

    /// <summary>The recipe in one line (what a resumed run must match, and what the report records).</summary>
    public string Recipe() => string.Create(CultureInfo.InvariantCulture,
        $"epochs {Epochs}, batch {BatchSize}, lr {LearningRate:G6} → {MinLearningRate:G6} (cosine, " +
        $"{ResolvedWarmupEpochs:G6} warm-up epochs), layer decay {LayerDecay:G6}, weight decay {WeightDecay:G6}, " +
        $"drop-path {DropPath:G6}, label smoothing {LabelSmoothing:G6}, crop scale " +
        $"{CropScale.Min:G6}–{CropScale.Max:G6} + flip, logit scale {LogitScale:G6}, head from " +
        $"{(ProbeHead ? FormattableString.Invariant($"a linear probe (λ {ProbeLambda:G6})") : "zero")}, betas " +
        $"{Betas.Beta1:G6}/{Betas.Beta2:G6}, seed {Seed}, features {Features}");
}
