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
        for (int k = -radius; k <= radius; k++)
            sum += kernel[k + radius] = (float)Math.Exp(-0.5 * k * k / (sigma * sigma));
        for (int k = 0; k < kernel.Length; k++) kernel[k] = (float)(kernel[k] / sum);

        int w = image.Width, h = image.Height;
        // Horizontal: each row copied into a line padded with its edge values, so the inner loop needs no clamping.
        var padded = new float[w + 2 * radius];
        var copy = new float[w * h];
        for (int c = 0; c < 3; c++)
        {
            var plane = image.Plane(c);
            for (int y = 0; y < h; y++)
            {
                var row = plane.Slice(y * w, w);
                row.CopyTo(padded.AsSpan(radius));
                padded.AsSpan(0, radius).Fill(row[0]);
                padded.AsSpan(radius + w).Fill(row[^1]);
                for (int x = 0; x < w; x++)
                {
                    float acc = 0;
                    for (int k = 0; k < kernel.Length; k++) acc += kernel[k] * padded[x + k];
                    row[x] = acc;
                }
            }
            // Vertical: whole rows weighted and summed, the edge rows repeated.
            plane.CopyTo(copy);
            plane.Clear();
            for (int y = 0; y < h; y++)
            {
                var dst = plane.Slice(y * w, w);
                for (int k = -radius; k <= radius; k++)
                    RowMath.MultiplyAdd(dst, copy.AsSpan(Math.Clamp(y + k, 0, h - 1) * w, w), kernel[k + radius]);
            }
        }
    }
}
