namespace MaskedSiamese.Data.Augmentation;

/// <summary>
/// The views made of every image: one target and one anchor view (independent draws from <see cref="Global"/>) and
/// <see cref="FocalCount"/> focal views from <see cref="Focal"/>. The default is the official ImageNet setting.
/// </summary>
public sealed record AugmentationOptions
{
    /// <summary>The official setting: 224-pixel views, scale (0.3, 1); 10 focal views of 96 pixels, scale (0.05,
    /// 0.3).</summary>
    public static AugmentationOptions Official { get; } = new();

    /// <summary>
    /// A small-scale preset for Fashion-MNIST: 32-pixel target/anchor views, 4 focal views of 16 pixels, Fashion-MNIST
    /// mean 0.2860 and std 0.3530 on every channel, and no blur (the 28-pixel images are already soft).
    /// </summary>
    public static AugmentationOptions FashionMnistDefaults { get; } = FashionMnistPreset();

    /// <summary>Target and anchor view chain.</summary>
    public ViewOptions Global { get; init; } = new();

    /// <summary>Focal view chain.</summary>
    public ViewOptions Focal { get; init; } = new() { Size = 96, Scale = (0.05, 0.3) };

    /// <summary>Focal views per image.</summary>
    public int FocalCount { get; init; } = 10;

    private static AugmentationOptions FashionMnistPreset()
    {
        IReadOnlyList<float> mean = [0.2860f, 0.2860f, 0.2860f], std = [0.3530f, 0.3530f, 0.3530f];
        var common = new ViewOptions { BlurProbability = 0, Mean = mean, Std = std };
        return new AugmentationOptions
        {
            Global = common with { Size = 32 },
            Focal = common with { Size = 16, Scale = (0.05, 0.3) },
            FocalCount = 4,
        };
    }
}
