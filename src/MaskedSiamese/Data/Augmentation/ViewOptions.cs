namespace MaskedSiamese.Data.Augmentation;

/// <summary>
/// One view's augmentation chain (official <c>data_manager.py</c> order): random resized crop, horizontal flip, colour
/// jitter, random grayscale, Gaussian blur, normalisation. A probability of 0 disables its step exactly.
/// Defaults are the official 224-pixel target/anchor view with colour-jitter strength s = 0.5.
/// </summary>
public sealed record ViewOptions
{
    /// <summary>ImageNet channel means.</summary>
    public static readonly IReadOnlyList<float> ImageNetMean = [0.485f, 0.456f, 0.406f];

    /// <summary>ImageNet channel standard deviations.</summary>
    public static readonly IReadOnlyList<float> ImageNetStd = [0.229f, 0.224f, 0.225f];

    /// <summary>Output side in pixels (views are square).</summary>
    public int Size { get; init; } = 224;

    /// <summary>Range of the crop's area as a fraction of the image's.</summary>
    public (double Min, double Max) Scale { get; init; } = (0.3, 1.0);

    /// <summary>Range of the crop's aspect ratio (width / height), sampled log-uniformly.</summary>
    public (double Min, double Max) Ratio { get; init; } = (3.0 / 4.0, 4.0 / 3.0);

    /// <summary>Whether downscaling is antialiased (PIL's bilinear resize, used by the official code, always
    /// is).</summary>
    public bool Antialias { get; init; } = true;

    /// <summary>Probability of a horizontal flip.</summary>
    public double FlipProbability { get; init; } = 0.5;

    /// <summary>Probability that colour jitter is applied at all.</summary>
    public double JitterProbability { get; init; } = 0.8;

    /// <summary>Brightness strength (0.8 · s).</summary>
    public double Brightness { get; init; } = 0.4;

    /// <summary>Contrast strength (0.8 · s).</summary>
    public double Contrast { get; init; } = 0.4;

    /// <summary>Saturation strength (0.8 · s).</summary>
    public double Saturation { get; init; } = 0.4;

    /// <summary>Hue strength in turns (0.2 · s).</summary>
    public double Hue { get; init; } = 0.1;

    /// <summary>Probability of converting to grayscale.</summary>
    public double GrayscaleProbability { get; init; } = 0.2;

    /// <summary>Probability of a Gaussian blur.</summary>
    public double BlurProbability { get; init; } = 0.5;

    /// <summary>Range of the blur's sigma (PIL radius), sampled uniformly.</summary>
    public (double Min, double Max) BlurSigma { get; init; } = (0.1, 2.0);

    /// <summary>Channel means subtracted at the end.</summary>
    public IReadOnlyList<float> Mean { get; init; } = ImageNetMean;

    /// <summary>Channel standard deviations divided by at the end.</summary>
    public IReadOnlyList<float> Std { get; init; } = ImageNetStd;

    /// <summary>Sets the four jitter strengths from the official <c>color_jitter_strength</c> s (0.8 s, 0.8 s, 0.8 s,
    /// 0.2 s).</summary>
    public ViewOptions WithJitterStrength(double s) =>
        this with { Brightness = 0.8 * s, Contrast = 0.8 * s, Saturation = 0.8 * s, Hue = 0.2 * s };
}
