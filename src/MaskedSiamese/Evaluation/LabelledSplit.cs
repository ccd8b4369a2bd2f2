using System.Globalization;

namespace MaskedSiamese.Evaluation;

/// <summary>
/// One set of labelled training samples for a low-shot run: indices into the training set (0-based, ascending).
/// </summary>
/// <param name="Regime">What the split stands for: <c>"1/class"</c>, <c>"1%"</c>, <c>"all"</c>, or a given
/// name.</param>
/// <param name="Seed">The seed that drew it (the split number for given splits).</param>
/// <param name="ShotsPerClass">k for a k-per-class split, else null.</param>
/// <param name="Percent">The percentage for a percentage split, else null.</param>
/// <param name="Indices">Labelled training indices, ascending.</param>
public sealed record LabelledSplit(string Regime, int Seed, int? ShotsPerClass, double? Percent,
    IReadOnlyList<int> Indices)
{
    /// <summary>The regime name of a k-per-class split.</summary>
    public static string ShotsRegime(int k) => k.ToString(CultureInfo.InvariantCulture) + "/class";

    /// <summary>The regime name of a percentage split.</summary>
    public static string PercentRegime(double percent) => percent.ToString("0.###", CultureInfo.InvariantCulture) + "%";

    /// <summary>The regime name of the split holding every training label.</summary>
    public const string AllRegime = "all";
}
