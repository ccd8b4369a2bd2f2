namespace MaskedSiamese.Data.Augmentation;

/// <summary>The deterministic evaluation transform: resize the shorter side, centre-crop, normalise.</summary>
public sealed record EvalOptions
{
    /// <summary>The official setting: shorter side to 256, centre crop 224, ImageNet mean/std.</summary>
    public static EvalOptions Official { get; } = new();

    /// <summary>Fashion-MNIST: 28 → 32 pixels, no crop, Fashion-MNIST mean/std on every channel.</summary>
    public static EvalOptions FashionMnistDefaults { get; } = new()
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
}
