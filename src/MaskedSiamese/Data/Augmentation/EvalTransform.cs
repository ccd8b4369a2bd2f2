using System.Globalization;

namespace MaskedSiamese.Data.Augmentation;

/// <summary>
/// The deterministic evaluation transform, torchvision's <c>Resize(r)</c>, <c>CenterCrop(c)</c>, <c>ToTensor</c>,
/// <c>Normalize</c>, and where it came from. Every encoder input outside training goes through one: evaluation,
/// embedding, classifiers, fine-tuning's classifier and ONNX preprocessing. Which one a checkpoint gets is decided in
/// one place, <c>Configuration.EvalTransformResolver</c>.
/// </summary>
public sealed record EvalTransform
{
    /// <summary>The official setting: shorter side to 256, centre crop 224, ImageNet mean/std.</summary>
    public static EvalTransform Official { get; } = new();

    /// <summary>Fashion-MNIST: 28 → 32 pixels, no crop, Fashion-MNIST mean/std on every channel.</summary>
    public static EvalTransform FashionMnistDefaults { get; } = new()
    {
        ResizeTo = 32,
        CropSize = 32,
        Mean = AugmentationOptions.FashionMnistDefaults.Global.Mean,
        Std = AugmentationOptions.FashionMnistDefaults.Global.Std,
    };

    /// <summary>Target length of the shorter side; the longer side keeps the aspect ratio.</summary>
    public int ResizeTo { get; init; } = 256;

    /// <summary>Side of the centre crop (at most <see cref="ResizeTo"/>).</summary>
    public int CropSize { get; init; } = 224;

    /// <summary>Whether downscaling is antialiased.</summary>
    public bool Antialias { get; init; } = true;

    /// <summary>Channel means.</summary>
    public IReadOnlyList<float> Mean { get; init; } = ViewOptions.ImageNetMean;

    /// <summary>Channel standard deviations.</summary>
    public IReadOnlyList<float> Std { get; init; } = ViewOptions.ImageNetStd;

    /// <summary>Where the transform came from, printed beside it so users see what was used, e.g. "the checkpoint's
    /// training config"; "given" (the default) for one the caller built. It does not change the pixels.</summary>
    public string Origin { get; init; } = "given";

    /// <summary>The official evaluation transform for an encoder of <paramref name="imageSize"/> pixels: ImageNet
    /// mean/std, shorter side resized by 256/224, centre crop.</summary>
    public static EvalTransform ImageNet(int imageSize) =>
        Official with { ResizeTo = (int)Math.Round(imageSize * 256.0 / 224.0), CropSize = imageSize };

    /// <summary>Fashion-MNIST statistics on every channel, resized straight to <paramref name="imageSize"/>.</summary>
    public static EvalTransform FashionMnist(int imageSize) =>
        FashionMnistDefaults with { ResizeTo = imageSize, CropSize = imageSize };

    /// <summary>The normalised <see cref="CropSize"/>² view of <paramref name="image"/>.</summary>
    /// <exception cref="ArgumentException">The crop is larger than the resized image.</exception>
    public FloatImage Apply(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        int w = image.Width, h = image.Height, r = ResizeTo, crop = CropSize;
        // torchvision: the shorter side becomes r, the longer int(r · long / short), truncated.
        var (rw, rh) = w <= h ? (r, (int)((long)r * h / w)) : ((int)((long)r * w / h), r);
        if (crop > rw || crop > rh)
            throw new ArgumentException($"centre crop {crop} is larger than the resized {rw}×{rh} image");
        var source = FloatImage.FromRgb(image);
        var resized = rw == w && rh == h
            ? source
            : Resampler.Resize(source, new CropBox(0, 0, h, w), rw, rh, Antialias);
        // torchvision's CenterCrop offset: int(round((size − crop) / 2)).
        int top = (int)Math.Round((rh - crop) / 2.0), left = (int)Math.Round((rw - crop) / 2.0);
        var view = crop == rw && crop == rh
            ? resized
            : Resampler.Resize(resized, new CropBox(top, left, crop, crop), crop, crop, false);
        Normalization.Apply(view, Mean, Std);
        return view;
    }

    /// <summary>Resize, crop, mean and std in one phrase, without the origin.</summary>
    public string DescribeSettings()
    {
        static string List(IReadOnlyList<float> v) =>
            string.Join(", ", v.Select(x => x.ToString("G4", CultureInfo.InvariantCulture)));
        return string.Create(CultureInfo.InvariantCulture,
            $"resize {ResizeTo}, crop {CropSize}, mean [{List(Mean)}], std [{List(Std)}]");
    }

    /// <summary>One line: resize, crop, mean, std and, in parentheses, the origin.</summary>
    public string Describe() => DescribeSettings() + $" ({Origin})";
}
