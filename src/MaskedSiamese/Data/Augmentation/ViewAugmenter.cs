namespace MaskedSiamese.Data.Augmentation;

/// <summary>Runs one <see cref="ViewOptions"/> chain on one image.</summary>
public static class ViewAugmenter
{
    /// <summary>
    /// Makes one normalised view of <paramref name="image"/> (not modified), drawing every random choice from
    /// <paramref name="random"/> in a fixed sequence.
    /// </summary>
    public static FloatImage Apply(FloatImage image, ViewOptions options, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        var box = RandomResizedCrop.Sample(image.Width, image.Height, options.Scale, options.Ratio, random);
        var view = RandomResizedCrop.Apply(image, box, options.Size, options.Antialias);
        if (random.Chance(options.FlipProbability)) HorizontalFlip.Apply(view);
        if (random.Chance(options.JitterProbability))
            ColorJitter.Apply(view, options.Brightness, options.Contrast, options.Saturation, options.Hue, random);
        if (random.Chance(options.GrayscaleProbability)) Grayscale.Apply(view);
        if (random.Chance(options.BlurProbability))
            GaussianBlur.Apply(view, random.Uniform(options.BlurSigma.Min, options.BlurSigma.Max));
        Normalization.Apply(view, options.Mean, options.Std);
        return view;
    }
}
