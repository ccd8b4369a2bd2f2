namespace MaskedSiamese.Data.Augmentation;

/// <summary>
/// torchvision's <c>ColorJitter</c> on float images: brightness, contrast, saturation and hue adjustments with the
/// formulas of <c>torchvision.transforms.functional</c>, applied in a random order with randomly drawn factors.
/// </summary>
public static class ColorJitter
{
    /// <summary>
    /// Draws an order (a permutation of the four steps) and then the factors, in torchvision's sequence: brightness,
    /// contrast, saturation ~ U[max(0, 1 − x), 1 + x] and hue ~ U[−h, h]; a strength of 0 disables its step.
    /// </summary>
    public static void Apply(FloatImage image, double brightness, double contrast, double saturation, double hue,
        SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        int[] order = random.Permutation(4);
        double b = brightness > 0 ? random.Uniform(Math.Max(0, 1 - brightness), 1 + brightness) : double.NaN;
        double c = contrast > 0 ? random.Uniform(Math.Max(0, 1 - contrast), 1 + contrast) : double.NaN;
        double s = saturation > 0 ? random.Uniform(Math.Max(0, 1 - saturation), 1 + saturation) : double.NaN;
        double h = hue > 0 ? random.Uniform(-hue, hue) : double.NaN;
        foreach (int step in order)
        {
            switch (step)
            {
                case 0 when !double.IsNaN(b): AdjustBrightness(image, (float)b); break;
                case 1 when !double.IsNaN(c): AdjustContrast(image, (float)c); break;
                case 2 when !double.IsNaN(s): AdjustSaturation(image, (float)s); break;
                case 3 when !double.IsNaN(h): AdjustHue(image, (float)h); break;
            }
        }
    }

    /// <summary>Multiplies every value by <paramref name="factor"/>, clamped to [0, 1].</summary>
    public static void AdjustBrightness(FloatImage image, float factor)
    {
        ArgumentNullException.ThrowIfNull(image);
        foreach (ref float v in image.Data.AsSpan()) v = Math.Clamp(v * factor, 0f, 1f);
    }

    /// <summary>Blends with the mean luma of the whole image: <c>f · x + (1 − f) · mean</c>, clamped.</summary>
    public static void AdjustContrast(FloatImage image, float factor)
    {
        ArgumentNullException.ThrowIfNull(image);
        var luma = new float[image.PlaneSize];
        Grayscale.Luma(image, luma);
        double sum = 0;
        foreach (float v in luma) sum += v;
        float offset = (1 - factor) * (float)(sum / luma.Length);
        foreach (ref float v in image.Data.AsSpan()) v = Math.Clamp(factor * v + offset, 0f, 1f);
    }

    /// <summary>Blends each pixel with its luma: <c>f · x + (1 − f) · gray</c>, clamped.</summary>
    public static void AdjustSaturation(FloatImage image, float factor)
    {
        ArgumentNullException.ThrowIfNull(image);
        var luma = new float[image.PlaneSize];
        Grayscale.Luma(image, luma);
        for (int c = 0; c < 3; c++)
        {
            var plane = image.Plane(c);
            for (int p = 0; p < plane.Length; p++)
                plane[p] = Math.Clamp(factor * plane[p] + (1 - factor) * luma[p], 0f, 1f);
        }
    }

    /// <summary>Rotates the HSV hue by <paramref name="shift"/> turns (in [−0.5, 0.5]).</summary>
    public static void AdjustHue(FloatImage image, float shift)
    {
        ArgumentNullException.ThrowIfNull(image);
        int n = image.PlaneSize;
        var d = image.Data;
        for (int p = 0; p < n; p++)
        {
            var (h, s, v) = ToHsv(d[p], d[n + p], d[2 * n + p]);
            // (h + shift) mod 1 without fmod, which dominated the cost: |shift| ≤ 0.5 so one correction suffices.
            h += shift;
            if (h >= 1f) h -= 1f;
            else if (h < 0f) h += 1f;
            (d[p], d[n + p], d[2 * n + p]) = ToRgb(h, s, v);
        }
    }

    /// <summary>torchvision's <c>_rgb2hsv</c> for one pixel; hue in [0, 1).</summary>
    public static (float H, float S, float V) ToHsv(float r, float g, float b)
    {
        float max = Math.Max(r, Math.Max(g, b)), min = Math.Min(r, Math.Min(g, b));
        float chroma = max - min;
        if (chroma == 0) return (0f, 0f, max);
        float s = chroma / max;
        float rc = (max - r) / chroma, gc = (max - g) / chroma, bc = (max - b) / chroma;
        float h = max == r ? bc - gc : max == g ? 2f + rc - bc : 4f + gc - rc;
        h /= 6f; // torchvision's fmod(h / 6 + 1, 1) for h / 6 in [−1/6, 5/6]
        if (h < 0f) h += 1f;
        return (h, s, max);
    }

    /// <summary>torchvision's <c>_hsv2rgb</c> for one pixel.</summary>
    public static (float R, float G, float B) ToRgb(float h, float s, float v)
    {
        float h6 = h * 6f;
        float i = MathF.Floor(h6);
        float f = h6 - i;
        int sector = ((int)i % 6 + 6) % 6;
        float p = Math.Clamp(v * (1 - s), 0f, 1f);
        float q = Math.Clamp(v * (1 - s * f), 0f, 1f);
        float t = Math.Clamp(v * (1 - s * (1 - f)), 0f, 1f);
        return sector switch
        {
            0 => (v, t, p),
            1 => (q, v, p),
            2 => (p, v, t),
            3 => (p, q, v),
            4 => (t, p, v),
            _ => (v, p, q),
        };
    }
}
