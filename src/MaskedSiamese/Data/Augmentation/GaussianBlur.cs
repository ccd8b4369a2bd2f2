namespace MaskedSiamese.Data.Augmentation;

/// <summary>
/// A separable Gaussian blur with standard deviation sigma (PIL's <c>GaussianBlur(radius)</c>, which the official code
/// uses, approximates this Gaussian with box blurs of the same sigma), kernel truncated at 3 sigma, edges clamped.
/// </summary>
public static class GaussianBlur
{
    /// <summary>Blurs <paramref name="image"/> in place.</summary>
    public static void Apply(FloatImage image, double sigma)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sigma);
        int radius = Math.Max(1, (int)Math.Ceiling(3 * sigma));
        var kernel = new float[2 * radius + 1];
        double sum = 0;
        for (int k = -radius; k <= radius; k++) sum += kernel[k + radius] = (float)Math.Exp(-0.5 * k * k / (sigma * sigma));
        for (int k = 0; k < kernel.Length; k++) kernel[k] = (float)(kernel[k] / sum);

        int w = image.Width, h = image.Height;
        var line = new float[Math.Max(w, h)];
        for (int c = 0; c < 3; c++)
        {
            var plane = image.Plane(c);
            for (int y = 0; y < h; y++) Convolve(plane.Slice(y * w, w), 1, w, kernel, line);
            for (int x = 0; x < w; x++) Convolve(plane[x..], w, h, kernel, line);
        }
    }

    private static void Convolve(Span<float> data, int stride, int n, float[] kernel, float[] scratch)
    {
        int radius = kernel.Length / 2;
        for (int i = 0; i < n; i++) scratch[i] = data[i * stride];
        for (int i = 0; i < n; i++)
        {
            float acc = 0;
            for (int k = -radius; k <= radius; k++) acc += kernel[k + radius] * scratch[Math.Clamp(i + k, 0, n - 1)];
            data[i * stride] = acc;
        }
    }
}
