using System.Text.Json.Nodes;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Data.Augmentation;

namespace MaskedSiamese.Configuration;

/// <summary>
/// The one place that decides how an encoder's input is preprocessed for evaluation, embedding, classification and
/// ONNX export. It follows the checkpoint, not the data: a checkpoint written by <c>msn pretrain</c> stores its
/// resolved config, whose <c>data</c> section names the evaluation transform (<c>eval_resize</c>, <c>eval_crop</c>,
/// <c>mean</c>, <c>std</c>); an official or imported file records none and gets ImageNet's official transform.
/// Choosing by the data instead gave a Fashion-MNIST checkpoint ImageNet statistics on a folder of its own images.
/// </summary>
public static class EvalTransformResolver
{
    /// <summary>The transform for <paramref name="checkpoint"/> under <paramref name="choice"/>, its
    /// <see cref="EvalTransform.Origin"/> saying which rule chose it.</summary>
    public static EvalTransform Resolve(MsnCheckpoint checkpoint, EvalTransformChoice choice = EvalTransformChoice.Auto)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        int size = checkpoint.Architecture.Vit.ImageSize;
        return choice switch
        {
            EvalTransformChoice.ImageNet => EvalTransform.ImageNet(size) with { Origin = "imagenet, chosen" },
            EvalTransformChoice.FashionMnist =>
                EvalTransform.FashionMnist(size) with { Origin = "fashion-mnist, chosen" },
            _ => FromTrainingConfig(checkpoint) is { } stored
                ? stored with { Origin = "the checkpoint's training config" }
                : EvalTransform.ImageNet(size) with
                {
                    Origin = "imagenet, the official eval transform: the checkpoint records no training config",
                },
        };
    }

    /// <summary>Parses <c>auto</c>, <c>imagenet</c> or <c>fashion-mnist</c>.</summary>
    /// <exception cref="ArgumentException">Anything else.</exception>
    public static EvalTransformChoice ParseChoice(string text) => text?.Trim().ToLowerInvariant() switch
    {
        "auto" => EvalTransformChoice.Auto,
        "imagenet" => EvalTransformChoice.ImageNet,
        "fashion-mnist" => EvalTransformChoice.FashionMnist,
        _ => throw new ArgumentException($"normalization '{text}': expected auto, imagenet or fashion-mnist"),
    };

    /// <summary>The evaluation transform of the training config stored in <paramref name="checkpoint"/>, with
    /// one-value statistics repeated for the three channels; null when the checkpoint holds no config or the config
    /// no longer parses. A recorded crop other than the encoder's image size (the position embeddings are learned at
    /// that size) keeps the recorded statistics with the official 256/224 resize ratio at the image size.</summary>
    public static EvalTransform? FromTrainingConfig(MsnCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        string? yaml;
        try
        {
            yaml = TrainingRecord.From(checkpoint.Training, "checkpoint")?.Config;
        }
        catch (CheckpointFormatException)
        {
            return null;   // a training state we cannot read says nothing about the transform: the official one
        }
        if (yaml is not { Length: > 0 }) return null;
        MsnConfig config;
        try
        {
            config = MsnConfig.Parse(yaml, "the checkpoint's training config");
        }
        catch (ConfigException)
        {
            // A config written by an older schema: the caller falls back to the official transform.
            return null;
        }
        return FromConfig(config, checkpoint.Architecture.Vit.ImageSize);
    }

    /// <summary>The evaluation transform of a training config for an encoder of <paramref name="imageSize"/>
    /// pixels, as <see cref="FromTrainingConfig"/> applies it to the config a checkpoint records.</summary>
    public static EvalTransform FromConfig(MsnConfig config, int imageSize)
    {
        ArgumentNullException.ThrowIfNull(config);
        var eval = config.ToEvalTransform();
        if (eval.CropSize != imageSize)
            eval = eval with { ResizeTo = EvalTransform.ImageNet(imageSize).ResizeTo, CropSize = imageSize };
        return eval with { Mean = PerChannel(eval.Mean), Std = PerChannel(eval.Std) };
    }

    // Gray data sets give one statistic for the three replicated channels; the transform always takes three.
    private static float[] PerChannel(IReadOnlyList<float> v) => v.Count == 1 ? [v[0], v[0], v[0]] : [.. v];
}
