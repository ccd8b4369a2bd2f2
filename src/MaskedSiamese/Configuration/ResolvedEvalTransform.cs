using System.Globalization;
using MaskedSiamese.Data.Augmentation;

namespace MaskedSiamese.Configuration;

/// <summary>An evaluation transform and a phrase saying where it came from (printed so users see what was
/// used).</summary>
/// <param name="Options">The transform.</param>
/// <param name="Origin">e.g. "the checkpoint's training config" or "imagenet, the official eval transform".</param>
public sealed record ResolvedEvalTransform(EvalOptions Options, string Origin)
{
    /// <summary>One line: resize, crop, mean, std and origin.</summary>
    public string Describe() => Describe(Options) + $" ({Origin})";

    /// <summary>resize, crop, mean and std of <paramref name="options"/> in one phrase.</summary>
    public static string Describe(EvalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        static string List(IReadOnlyList<float> v) =>
            string.Join(", ", v.Select(x => x.ToString("G4", CultureInfo.InvariantCulture)));
        return string.Create(CultureInfo.InvariantCulture,
            $"resize {options.ResizeTo}, crop {options.CropSize}, mean [{List(options.Mean)}], " +
            $"std [{List(options.Std)}]");
    }
}
