namespace MaskedSiamese.Data.Augmentation;

/// <summary>torchvision's <c>Resize(r)</c>, <c>CenterCrop(c)</c>, <c>ToTensor</c>, <c>Normalize</c> on one
/// image.</summary>
public static class EvalTransform
{
    /// <summary>The normalised <c>CropSize</c>² view of <paramref name="image"/>.</summary>
    /// <exception cref="ArgumentException">The crop is larger than the resized image.</exception>
    public static FloatImage Apply(RgbImage image, EvalOptions options)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(options);
        int w = image.Width, h = image.Height, r = options.ResizeTo, crop = options.CropSize;
        // torchvision: the shorter side becomes r, the longer int(r · long / short), truncated.
        var (rw, rh) = w <= h ? (r, (int)((long)r * h / w)) : ((int)((long)r * w / h), r);
        if (crop > rw || crop > rh)
            throw new ArgumentException($"centre crop {crop} is larger than the resized {rw}×{rh} image",
                nameof(options));
        var source = FloatImage.FromRgb(image);
        var resized = rw == w && rh == h
            ? source
            : Resampler.Resize(source, new CropBox(0, 0, h, w), rw, rh, options.Antialias);
        // torchvision's CenterCrop offset: int(round((size − crop) / 2)).
        int top = (int)Math.Round((rh - crop) / 2.0), left = (int)Math.Round((rw - crop) / 2.0);
        var view = crop == rw && crop == rh
            ? resized
            : Resampler.Resize(resized, new CropBox(top, left, crop, crop), crop, crop, false);
        Normalization.Apply(view, options.Mean, options.Std);
        return view;
    }
}
