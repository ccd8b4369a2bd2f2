using System.CommandLine;
using MaskedSiamese.FineTuning;

namespace MaskedSiamese.Cli.Commands;

/// <summary>The options of <c>msn finetune</c>, with the library's defaults in their help, and their translation into
/// <see cref="FineTuneOptions"/>.</summary>
internal sealed class FinetuneArguments
{
    private static readonly FineTuneOptions D = new();

    public Option<FileInfo> Checkpoint { get; } = SharedOptions.Checkpoint(
        "Pretrained checkpoint whose target encoder is fine-tuned: ours (.safetensors) or an official .pth.tar.");

    public Option<string> Data { get; } = new("--data", "-d")
    {
        Description = "Folder of labelled images: one subfolder per class (its name is the class name).",
        Required = true,
    };

    public Option<FileInfo> Output { get; } = new("--out", "-o")
    {
        Description = "Classifier file to write (e.g. classifier.msnc), as msn fit writes.",
        Required = true,
    };

    public Option<string?> RunDir { get; } = new("--run-dir")
    {
        Description = "Run folder for logs (finetune.csv, loss_curve.png) and checkpoints. Default: the output path " +
                      "without extension + .finetune.",
    };

    public Option<int> Epochs { get; } = Value("--epochs", D.Epochs, "Passes over the labelled images.");

    public Option<int> BatchSize { get; } = Value("--batch-size", D.BatchSize,
        "Images per step (a smaller set is one batch per epoch).");

    public Option<double> LearningRate { get; } = Value("--lr", D.LearningRate,
        "Peak learning rate of the head after warm-up; block i of L gets lr·layer_decay^(L−i), the embeddings " +
        "lr·layer_decay^(L+1).");

    public Option<double> MinLearningRate { get; } = Value("--min-lr", D.MinLearningRate,
        "Learning rate at the end of the cosine decay.");

    public Option<double?> WarmupEpochs { get; } = new("--warmup-epochs")
    {
        Description = "Epochs of linear warm-up from 0 (fractions allowed). Default: a tenth of the epochs (5 of 50).",
    };

    public Option<double> LayerDecay { get; } = Value("--layer-decay", D.LayerDecay,
        "Layer-wise learning-rate decay (1: no decay).");

    public Option<double> WeightDecay { get; } = Value("--weight-decay", D.WeightDecay,
        "AdamW weight decay of weight matrices (none on biases, norms, pos_embed, cls_token).");

    public Option<double> DropPath { get; } = Value("--drop-path", D.DropPath,
        "Stochastic-depth rate of the last block (rising linearly from 0).");

    public Option<double> LabelSmoothing { get; } = Value("--label-smoothing", D.LabelSmoothing,
        "Label smoothing of the cross-entropy.");

    public Option<double> MinCropScale { get; } = Value("--min-crop-scale", D.CropScale.Min,
        "Smallest area fraction of the random resized crop (up to 1; aspect 3/4–4/3, then a flip).");

    public Option<double> LogitScale { get; } = Value("--logit-scale", D.LogitScale,
        "Fixed factor on the logits of the normalised features during training (folded into the saved head).");

    public Option<string> HeadInit { get; } = HeadInitOption();

    public Option<double> ProbeLambda { get; } = Value("--probe-lambda", D.ProbeLambda,
        "λ of the starting linear probe (as msn fit --lambda).");

    public Option<int> Seed { get; } = Value("--seed", D.Seed, "Seed of the epoch order, crops, flips and drop-path.");

    public Option<string> Features { get; } = SharedOptions.Features(
        "last-block (as msn fit), final-norm, or blocks:N.");

    public Option<string> Normalization { get; } = SharedOptions.Normalization();

    public Option<int?> NumHeads { get; } = SharedOptions.NumHeads();

    public Option<int> Threads { get; } = Value("--threads", D.Threads,
        "LibTorch threads (0: LibTorch's default, or the resumed run's).");

    public Option<int> CheckpointEvery { get; } = Value("--checkpoint-every", D.CheckpointEvery,
        "Rewrite the latest checkpoint every N steps (epoch ends always write one).");

    public Option<long?> MaxSteps { get; } = new("--max-steps")
    {
        Description = "Stop after N global steps (the schedule still spans every epoch; --resume continues).",
    };

    public Option<bool> Resume { get; } = new("--resume")
    {
        Description = "Continue from RUN_DIR/checkpoints/finetune-latest.safetensors with the same options and " +
                      "images (after Ctrl-C, SIGTERM, a crash or kill -9).",
    };

    public Option<bool> Overwrite { get; } = new("--overwrite")
    {
        Description = "Start afresh in a run folder that already holds a run, deleting its checkpoints and logs.",
    };

    public Option<string> Device { get; } = SharedOptions.Device();

    public IEnumerable<Option> All =>
    [
        Checkpoint, Data, Output, RunDir, Epochs, BatchSize, LearningRate, MinLearningRate, WarmupEpochs, LayerDecay,
        WeightDecay, DropPath, LabelSmoothing, MinCropScale, LogitScale, HeadInit, ProbeLambda, Seed, Features,
        Normalization, NumHeads, Threads, CheckpointEvery, MaxSteps, Resume, Overwrite, Device,
    ];

    public FineTuneOptions ToLibrary(ParseResult parse) => new()
    {
        Epochs = parse.GetValue(Epochs),
        BatchSize = parse.GetValue(BatchSize),
        LearningRate = parse.GetValue(LearningRate),
        MinLearningRate = parse.GetValue(MinLearningRate),
        WarmupEpochs = parse.GetValue(WarmupEpochs),
        LayerDecay = parse.GetValue(LayerDecay),
        WeightDecay = parse.GetValue(WeightDecay),
        DropPath = parse.GetValue(DropPath),
        LabelSmoothing = parse.GetValue(LabelSmoothing),
        CropScale = (parse.GetValue(MinCropScale), 1.0),
        LogitScale = parse.GetValue(LogitScale),
        ProbeHead = parse.GetValue(HeadInit) == "probe",
        ProbeLambda = parse.GetValue(ProbeLambda),
        Seed = parse.GetValue(Seed),
        Features = SharedOptions.ParseFeatures(parse.GetValue(Features)!),
        TransformChoice = SharedOptions.ParseNormalization(parse.GetValue(Normalization)!),
        NumHeads = parse.GetValue(NumHeads),
        Threads = parse.GetValue(Threads),
        CheckpointEvery = parse.GetValue(CheckpointEvery),
        MaxSteps = parse.GetValue(MaxSteps),
        Resume = parse.GetValue(Resume),
        Overwrite = parse.GetValue(Overwrite),
        Device = SharedOptions.ParseDevice(parse.GetValue(Device)!),
    };

    private static Option<string> HeadInitOption()
    {
        var option = new Option<string>("--head-init")
        {
            Description = "probe: start the head from msn fit's logistic regression on the starting features " +
                          "(LP-FT); zero: from zero (MAE).",
            DefaultValueFactory = _ => "probe",
        };
        option.AcceptOnlyFromAmong("probe", "zero");
        return option;
    }

    private static Option<T> Value<T>(string name, T value, string description) where T : IFormattable => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => value,
    };
}
