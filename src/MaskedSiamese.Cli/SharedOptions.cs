using System.CommandLine;
using MaskedSiamese.Configuration;
using MaskedSiamese.Engine;
using MaskedSiamese.Evaluation;
using TorchSharp;

namespace MaskedSiamese.Cli;

/// <summary>
/// Options that several commands take (<c>--num-heads</c>, <c>--device</c>, <c>--features</c>,
/// <c>--batch-size</c>, <c>--checkpoint</c>), defined once so their names, defaults, help and checks agree, with the
/// parsers that turn their values into library settings or a one-line user error.
/// </summary>
internal static partial class SharedOptions
{
    /// <summary><c>--checkpoint/-c</c> (required).</summary>
    public static Option<FileInfo> Checkpoint(string description) => new("--checkpoint", "-c")
    {
        Description = description,
        Required = true,
    };

    /// <summary><c>--num-heads</c>: only needed for official files of non-official shapes.</summary>
    public static Option<int?> NumHeads(string? description = null)
    {
        var option = new Option<int?>("--num-heads")
        {
            Description = description ?? "Attention heads, for an official file whose shape matches no official model.",
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1 and var n) result.AddError($"--num-heads {n}: must be ≥ 1");
        });
        return option;
    }

    /// <summary><c>--device</c> (default cpu).</summary>
    public static Option<string?> CacheDir() => new("--cache-dir")
    {
        Description = $"Feature cache folder (default ${FeatureCache.EnvironmentVariable} or " +
                      "~/.cache/maskedsiamese/features). Features are keyed by the checkpoint's SHA-256, the data, " +
                      "the transform and --features, so repeated evaluations and selections extract once.",
    };

    public static Option<bool> NoCache() => new("--no-cache")
    {
        Description = "Neither read nor write the feature cache.",
    };

    /// <summary>The cache <c>--cache-dir</c> and <c>--no-cache</c> name (null: none).</summary>
    public static FeatureCache? ParseCache(string? directory, bool none) =>
        none ? null : new FeatureCache(directory ?? FeatureCache.DefaultDirectory);

    public static Option<string> Device() => new("--device")
    {
        Description = "cpu, cuda or cuda:N.",
        DefaultValueFactory = _ => "cpu",
    };

    /// <summary><c>--features</c> (default last-block).</summary>
    public static Option<string> Features(string description) => new("--features")
    {
        Description = description,
        DefaultValueFactory = _ => "last-block",
    };

    /// <summary><c>--batch-size</c> of the encoder forwards (default 256).</summary>
    /// <summary>The largest batch an encoder forward is given: beyond it a batch's tensor outgrows memory long before
    /// any useful speed-up (2³¹−1 made every image "unreadable").</summary>
    public const int MaxBatchSize = 65_536;

    public static Option<int> BatchSize(string description = "Images per encoder forward.")
    {
        var option = new Option<int>("--batch-size") { Description = description, DefaultValueFactory = _ => 256 };
        option.Validators.Add(result =>
        {
            int b = result.GetValueOrDefault<int>();
            if (b is < 1 or > MaxBatchSize) result.AddError($"--batch-size {b}: must be in 1..{MaxBatchSize}");
        });
        return option;
    }

    /// <summary><c>--normalization</c>: where the evaluation transform comes from (default auto: the
    /// checkpoint).</summary>
    public static Option<string> Normalization(string? description = null)
    {
        var option = new Option<string>("--normalization")
        {
            Description = description ?? "Evaluation transform (resize, crop, mean, std): auto (the checkpoint's " +
                          "recorded training config data.eval_resize/eval_crop/mean/std; ImageNet's official " +
                          "transform for imported or official weights), imagenet, or fashion-mnist.",
            DefaultValueFactory = _ => "auto",
        };
        option.AcceptOnlyFromAmong("auto", "imagenet", "fashion-mnist");
        return option;
    }

    /// <summary>The <c>--normalization</c> value as a library choice.</summary>
    public static EvalTransformChoice ParseNormalization(string text) => EvalTransformResolver.ParseChoice(text);

    /// <summary>The <c>--device</c> value as a device; a malformed name or CUDA where there is none is a user
    /// error.</summary>
    public static torch.Device ParseDevice(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return DeviceName.TryParse(text, out string? problem)
            ?? throw new UserInputException($"--device {text}: {problem}");
    }

    /// <summary>Parses <c>--features</c>, as a one-line user error when wrong.</summary>
    public static FeatureChoice ParseFeatures(string text)
    {
        try
        {
            return FeatureChoice.Parse(text);
        }
        catch (ArgumentException e)
        {
            // FeatureChoice names the value ("features 'x': expected …"); prefixing "--" names the option.
            throw new UserInputException("--" + e.Message);
        }
    }

}
