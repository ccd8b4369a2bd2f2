using MaskedSiamese.Data.Augmentation;

namespace MaskedSiamese.Tests.Data;

public class RandomResizedCropTests
{
    private const int Draws = 5000;
    // Kolmogorov–Smirnov: the 1% critical value for n = 5000 is 1.63 / √n ≈ 0.023.
    private const double KsLimit = 0.025;
    private static readonly (double, double) FocalScale = (0.05, 0.3);
    private static readonly (double, double) Ratio = (3.0 / 4.0, 4.0 / 3.0);

    /// <summary>Largest gap between the empirical CDF of <paramref name="xs"/> and U[lo, hi]'s.</summary>
    private static double KsUniform(IEnumerable<double> xs, double lo, double hi)
    {
        var sorted = xs.Order().ToArray();
        double d = 0;
        for (int i = 0; i < sorted.Length; i++)
        {
            double f = Math.Clamp((sorted[i] - lo) / (hi - lo), 0, 1);
            d = Math.Max(d, Math.Max(Math.Abs(f - (double)i / sorted.Length), Math.Abs(f - (i + 1.0) / sorted.Length)));
        }
        return d;
    }

    private static CropBox[] Boxes(int w, int h, (double, double) scale)
    {
        var random = new SeededRandom(7, 0, 0);
        return Enumerable.Range(0, Draws).Select(_ => RandomResizedCrop.Sample(w, h, scale, Ratio, random)).ToArray();
    }

    [Fact]
    public void Area_fraction_is_uniform_in_the_scale_range_and_a_side_scaled_or_log_uniform_area_is_not()
    {
        var boxes = Boxes(1000, 1000, FocalScale);
        var fractions = boxes.Select(b => b.Width * (double)b.Height / 1e6).ToArray();
        double ks = KsUniform(fractions, 0.05, 0.3);
        Assert.True(ks < KsLimit, $"KS of area fraction vs U(0.05, 0.3) = {ks:F4}");
        Assert.InRange(fractions.Average(), 0.175 - 0.005, 0.175 + 0.005);

        // The same test must reject plausible wrong implementations drawn from the same kind of generator.
        var random = new SeededRandom(8, 0, 0);
        var sideScaled = Enumerable.Range(0, Draws).Select(_ => Math.Pow(random.Uniform(0.05, 0.3), 2));
        var logUniform = Enumerable.Range(0, Draws)
            .Select(_ => Math.Exp(random.Uniform(Math.Log(0.05), Math.Log(0.3))));
        Assert.True(KsUniform(sideScaled, 0.05, 0.3) > 0.5);
        Assert.True(KsUniform(logUniform, 0.05, 0.3) > 0.15);
    }

    [Fact]
    public void Log_aspect_ratio_is_uniform_and_a_ratio_uniform_in_linear_space_is_rejected()
    {
        var boxes = Boxes(1000, 1000, FocalScale);
        double lo = Math.Log(3.0 / 4.0), hi = Math.Log(4.0 / 3.0);
        var logRatios = boxes.Select(b => Math.Log(b.Width / (double)b.Height)).ToArray();
        double ks = KsUniform(logRatios, lo, hi);
        Assert.True(ks < KsLimit, $"KS of log ratio = {ks:F4}");
        Assert.InRange(logRatios.Average(), -0.01, 0.01);

        var random = new SeededRandom(9, 0, 0);
        var linear = Enumerable.Range(0, Draws).Select(_ => Math.Log(random.Uniform(3.0 / 4.0, 4.0 / 3.0)));
        Assert.True(KsUniform(linear, lo, hi) > 0.05);
    }

    [Fact]
    public void Boxes_stay_inside_the_image_and_cover_all_offsets()
    {
        var boxes = Boxes(60, 40, (0.3, 1.0));
        Assert.All(boxes, b =>
        {
            Assert.InRange(b.Top, 0, 40 - b.Height);
            Assert.InRange(b.Left, 0, 60 - b.Width);
        });
        Assert.Contains(boxes, b => b.Top == 0);
        Assert.Contains(boxes, b => b.Top + b.Height == 40);
        Assert.Contains(boxes, b => b.Left + b.Width == 60);
    }

    [Fact]
    public void Impossible_scale_falls_back_to_the_ratio_clamped_centre_crop()
    {
        var random = new SeededRandom(1, 0, 0);
        Assert.Equal(new CropBox(0, 16, 50, 67), RandomResizedCrop.Sample(100, 50, (2, 3), Ratio, random));
        Assert.Equal(new CropBox(12, 0, 25, 25), RandomResizedCrop.Sample(25, 50, (2, 3), (1, 1), random));
        Assert.Equal(new CropBox(0, 0, 50, 60), RandomResizedCrop.Sample(60, 50, (2, 3), Ratio, random));
    }

    [Fact]
    public void A_crop_of_a_gradient_shows_the_gradient_inside_the_drawn_box()
    {
        const int w = 200, h = 100, size = 48;
        var image = TestImages.Gradient(w, h);
        var random = new SeededRandom(3, 0, 0);
        for (int trial = 0; trial < 20; trial++)
        {
            var box = RandomResizedCrop.Sample(w, h, (0.1, 0.6), Ratio, random);
            var view = RandomResizedCrop.Apply(image, box, size);
            double sx = box.Width / (double)size, sy = box.Height / (double)size;
            int marginX = (int)Math.Ceiling(Math.Max(sx, 1)) + 1, marginY = (int)Math.Ceiling(Math.Max(sy, 1)) + 1;
            for (int oy = marginY; oy < size - marginY; oy++)
                for (int ox = marginX; ox < size - marginX; ox++)
                {
                    double x = box.Left + (ox + 0.5) * sx - 0.5, y = box.Top + (oy + 0.5) * sy - 0.5;
                    Assert.Equal(x / (w - 1), view[0, oy, ox], 0.5 / (w - 1));
                    Assert.Equal(y / (h - 1), view[1, oy, ox], 0.5 / (h - 1));
                }
            // Corners are clamped inside the box, so the view never shows pixels outside it.
            Assert.InRange(view[0, 0, 0], box.Left / (w - 1.0) - 1e-4, (box.Left + sx) / (w - 1.0));
            Assert.InRange(view[0, 0, size - 1], (box.Left + box.Width - 1 - sx) / (w - 1.0),
                (box.Left + box.Width - 1) / (w - 1.0) + 1e-4);
        }
    }

    [Fact]
    public void Antialiased_downscaling_averages_a_checkerboard_and_plain_bilinear_aliases()
    {
        var board = new FloatImage(64, 64);
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 64; y++)
                for (int x = 0; x < 64; x++) board[c, y, x] = (x + y) % 2;
        var smooth = RandomResizedCrop.Apply(board, new CropBox(0, 0, 64, 64), 10, antialias: true);
        var aliased = RandomResizedCrop.Apply(board, new CropBox(0, 0, 64, 64), 10, antialias: false);
        Assert.All(smooth.Data, v => Assert.InRange(v, 0.4f, 0.6f));
        Assert.Contains(aliased.Data, v => v is < 0.3f or > 0.7f);
    }
}
