using System.Globalization;

namespace MaskedSiamese.Configuration;

/// <summary>
/// One value per colour channel, in R, G, B order: the normalisation mean and standard deviation. In YAML it is a
/// list of three numbers (<c>[0.485, 0.456, 0.406]</c>) or of one number that serves every channel (<c>[0.2860]</c>,
/// handy for gray images replicated to three channels).
/// </summary>
/// <param name="R">Red channel value.</param>
/// <param name="G">Green channel value.</param>
/// <param name="B">Blue channel value.</param>
public readonly record struct Rgb(double R, double G, double B)
{
    /// <summary>The same value for every channel.</summary>
    public static Rgb All(double value) => new(value, value, value);

    /// <summary>The three values as an array, R first (the shape <c>Normalize</c> takes).</summary>
    public double[] ToArray() => [R, G, B];

    /// <summary>The values as a YAML flow sequence, e.g. <c>[0.485, 0.456, 0.406]</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"[{R:R}, {G:R}, {B:R}]");
}
