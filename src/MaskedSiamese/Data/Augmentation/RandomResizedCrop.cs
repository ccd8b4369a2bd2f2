namespace MaskedSiamese.Data.Augmentation;

/// <summary>
/// torchvision's <c>RandomResizedCrop</c>: a box whose area fraction is uniform in a scale range and whose aspect ratio
/// is log-uniform in a ratio range (10 tries, then a centre crop clamped to the ratio range), resampled bilinearly.
/// </summary>
public static class RandomResizedCrop
{
    /// <summary>The number of tries before the centre-crop fallback, as in torchvision.</summary>
    public const int Attempts = 10;

    /// <summary>Draws a crop box for a <paramref name="width"/>×<paramref name="height"/> image (torchvision's
    /// <c>get_params</c>).</summary>
    public static CropBox Sample(int width, int height, (double Min, double Max) scale, (double Min, double Max) ratio,
        SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        double area = (double)width * height;
        double logMin = Math.Log(ratio.Min), logMax = Math.Log(ratio.Max);
        for (int attempt = 0; attempt < Attempts; attempt++)
        {
            double targetArea = area * random.Uniform(scale.Min, scale.Max);
            double aspect = Math.Exp(random.Uniform(logMin, logMax));
            // Math.Round rounds half to even, as Python's round does.
            int w = (int)Math.Round(Math.Sqrt(targetArea * aspect));
            int h = (int)Math.Round(Math.Sqrt(targetArea / aspect));
            if (w > 0 && w <= width && h > 0 && h <= height)
                return new CropBox(random.NextInt(height - h + 1), random.NextInt(width - w + 1), h, w);
        }
        double inRatio = (double)width / height;
        int cw, ch;
        if (inRatio < ratio.Min)
        {
            cw = width;
            ch = (int)Math.Round(cw / ratio.Min);
        }
        else if (inRatio > ratio.Max)
        {
            ch = height;
            cw = (int)Math.Round(ch * ratio.Max);
        }
        else
        {
            cw = width;
            ch = height;
        }
        return new CropBox((height - ch) / 2, (width - cw) / 2, ch, cw);
    }

    /// <summary>Resamples <paramref name="box"/> of <paramref name="image"/> to a <paramref name="size"/>²
    /// square.</summary>
    public static FloatImage Apply(FloatImage image, CropBox box, int size, bool antialias = true)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (box.Top < 0 || box.Left < 0 || box.Height <= 0 || box.Width <= 0 ||
            box.Top + box.Height > image.Height || box.Left + box.Width > image.Width)
            throw new ArgumentOutOfRangeException(nameof(box), box, $"outside the {image.Width}×{image.Height} image");
        return Resampler.Resize(image, box, size, size, antialias);
    }
}
