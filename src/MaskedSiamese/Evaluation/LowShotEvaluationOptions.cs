using MaskedSiamese.Checkpoints;
using MaskedSiamese.Configuration;
using MaskedSiamese.Data.Augmentation;
using static TorchSharp.torch;

namespace MaskedSiamese.Evaluation;

/// <summary>Settings of <see cref="LowShotEvaluation"/> (and of the k-NN, linear-probe and selection evaluations of a
/// checkpoint): what to evaluate on and how features are extracted, with the protocol's own settings in
/// <see cref="Protocol"/>.</summary>
public sealed record LowShotEvaluationOptions
{
    /// <summary>
    /// The evaluation that ends a pretraining run, from its YAML configuration: the run's data (<c>data.dataset</c>,
    /// or <c>root_path/image_folder</c> with train/ and val/), the config's eval transform (<c>eval_resize</c>,
    /// <c>eval_crop</c>, <c>mean</c>, <c>std</c>) and device, features cached under <c>RUN/features</c>; the rest
    /// at the defaults.
    /// </summary>
    public static LowShotEvaluationOptions FromConfig(MsnConfig config, string runFolder)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentException.ThrowIfNullOrWhiteSpace(runFolder);
        return new LowShotEvaluationOptions
        {
            Data = config.DataLocation(),
            Transform = config.ToEvalTransform(),
            Device = MsnConfigMapping.ToDevice(config.Meta.Device),
            Cache = new FeatureCache(Path.Combine(runFolder, "features")),
        };
    }

    /// <summary><c>fashion-mnist</c> (default), <c>fashion-mnist:FOLDER</c>, or a folder with <c>train/</c> and
    /// <c>val/</c>.</summary>
    public string Data { get; init; } = "fashion-mnist";

    /// <summary>Which encoder output is the feature (default: the official last block's [CLS]).</summary>
    public FeatureChoice Features { get; init; } = FeatureChoice.LastBlock;

    /// <summary>Also evaluate raw pixels and a randomly initialised encoder of the same architecture (default
    /// true).</summary>
    public bool Baselines { get; init; } = true;

    /// <summary>Seed of the random-encoder baseline's weights.</summary>
    public int RandomEncoderSeed { get; init; }

    /// <summary>Splits, λ and solver of the protocol (defaults: 1/2/5/10 per class × 3 seeded splits, λ
    /// 0.0025).</summary>
    public LowShotProtocolOptions Protocol { get; init; } = new();

    /// <summary>Attention heads of an official checkpoint whose shape matches no official model.</summary>
    public int? NumHeads { get; init; }

    /// <summary>The transform; null takes the one <see cref="TransformChoice"/> resolves for the checkpoint.</summary>
    public EvalTransform? Transform { get; init; }

    /// <summary>Which transform the checkpoint gets when <see cref="Transform"/> is null (<c>--normalization</c>;
    /// default: the checkpoint's recorded training config, ImageNet's for files that record none).</summary>
    public EvalTransformChoice TransformChoice { get; init; } = EvalTransformChoice.Auto;

    /// <summary>Images per encoder forward.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Device of the encoders (default CPU).</summary>
    public Device? Device { get; init; }

    /// <summary>Feature cache; null computes every time.</summary>
    public FeatureCache? Cache { get; init; }

    /// <summary>Receives (what, done, total) while features are extracted.</summary>
    public IProgress<(string Stage, int Done, int Total)>? Progress { get; init; }

    /// <summary>The transform these options give for <paramref name="checkpoint"/>.</summary>
    public EvalTransform ResolveTransform(MsnCheckpoint checkpoint) =>
        Transform ?? EvalTransformResolver.Resolve(checkpoint, TransformChoice);
}
