using System.Text.Json.Nodes;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Configuration;
using MaskedSiamese.Data.Augmentation;

namespace MaskedSiamese.Onnx;

/// <summary>
/// The preprocessing an exported encoder expects, chosen from what the checkpoint records: a checkpoint written by
/// <c>msn pretrain</c> stores its resolved config, whose <c>data</c> section names the evaluation transform
/// (<c>eval_resize</c>, <c>eval_crop</c>, <c>mean</c>, <c>std</c>); an official or imported file does not.
/// </summary>
public static class OnnxPreprocessing
{
    /// <summary>The evaluation transform of the training config stored in <paramref name="checkpoint"/>, with
    /// one-value statistics repeated for the three channels; null when the checkpoint holds no config, the config
    /// no longer parses, or its crop is not the encoder's image size.</summary>
    public static EvalOptions? FromTrainingConfig(MsnCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (checkpoint.Training?["config"] is not JsonValue value || !value.TryGetValue(out string? yaml) || yaml.Length == 0)
            return null;
        EvalOptions eval;
        try
        {
            eval = MsnConfig.Parse(yaml, "the checkpoint's training config").ToEvalOptions();
        }
        catch (ConfigException)
        {
            // A config written by an older schema: the caller falls back to an explicit choice.
            return null;
        }
        if (eval.CropSize != checkpoint.Architecture.Vit.ImageSize) return null;
        return eval with { Mean = PerChannel(eval.Mean), Std = PerChannel(eval.Std) };
    }

    // Gray data sets give one statistic for the three replicated channels; the metadata always lists three.
    private static float[] PerChannel(IReadOnlyList<float> v) => v.Count == 1 ? [v[0], v[0], v[0]] : [.. v];
}
