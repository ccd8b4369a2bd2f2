using MaskedSiamese.Data.Augmentation;

namespace MaskedSiamese.Tests.Data;

/// <summary>Synthetic float images for the augmentation tests.</summary>
internal static class TestImages
{
    /// <summary>Uniform noise in [lo, hi) on every channel.</summary>
    public static FloatImage Noise(int w, int h, int seed, float lo = 0f, float hi = 1f)
    {
        var random = new SeededRandom(seed, 0, 0);
        var img = new FloatImage(w, h);
        for (int i = 0; i < img.Data.Length; i++) img.Data[i] = (float)random.Uniform(lo, hi);
        return img;
    }

    /// <summary>R = x / (w − 1), G = y / (h − 1), B = 0.5.</summary>
    public static FloatImage Gradient(int w, int h)
    {
        var img = new FloatImage(w, h);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                img[0, y, x] = x / (float)(w - 1);
                img[1, y, x] = y / (float)(h - 1);
                img[2, y, x] = 0.5f;
            }
        return img;
    }

    /// <summary>Every pixel the same colour.</summary>
    public static FloatImage Solid(int w, int h, float r, float g, float b)
    {
        var img = new FloatImage(w, h);
        img.Plane(0).Fill(r);
        img.Plane(1).Fill(g);
        img.Plane(2).Fill(b);
        return img;
    }

    /// <summary>Sum of squared differences between horizontal and vertical neighbours: high-frequency energy.</summary>
    public static double HighFrequencyEnergy(FloatImage img)
    {
        double e = 0;
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < img.Height; y++)
                for (int x = 0; x < img.Width; x++)
                {
                    if (x + 1 < img.Width) e += Math.Pow(img[c, y, x + 1] - img[c, y, x], 2);
                    if (y + 1 < img.Height) e += Math.Pow(img[c, y + 1, x] - img[c, y, x], 2);
                }
        return e;
    }

    /// <summary>Mean of channel c.</summary>
    public static double Mean(FloatImage img, int c)
    {
        double s = 0;
        foreach (float v in img.Plane(c)) s += v;
        return s / img.PlaneSize;
    }
}
