using MaskedSiamese.Data;
using MaskedSiamese.Data.Augmentation;

namespace MaskedSiamese.Tests.Data;

public class AugmentationStepTests
{
    private static readonly ViewOptions Off = new()
    {
        Scale = (1, 1),
        Ratio = (1, 1),
        FlipProbability = 0,
        JitterProbability = 0,
        GrayscaleProbability = 0,
        BlurProbability = 0,
        Mean = [0, 0, 0],
        Std = [1, 1, 1],
        Size = 16,
    };

    [Fact]
    public void Grayscale_makes_the_channels_equal_to_the_601_luma()
    {
        var img = TestImages.Noise(9, 7, 1);
        var before = img.Clone();
        Grayscale.Apply(img);
        for (int p = 0; p < img.PlaneSize; p++)
        {
            float luma = 0.299f * before.Data[p] + 0.587f * before.Data[img.PlaneSize + p] +
                0.114f * before.Data[2 * img.PlaneSize + p];
            Assert.Equal(luma, img.Data[p], 1e-6f);
            Assert.Equal(img.Data[p], img.Data[img.PlaneSize + p]);
            Assert.Equal(img.Data[p], img.Data[2 * img.PlaneSize + p]);
        }
    }

    [Fact]
    public void Hue_shift_rotates_hue_and_keeps_saturation_and_value()
    {
        var red = TestImages.Solid(4, 4, 1, 0, 0);
        ColorJitter.AdjustHue(red, 0.25f); // 90°: chartreuse
        Assert.Equal(0.5f, red[0, 0, 0], 1e-6f);
        Assert.Equal(1f, red[1, 0, 0], 1e-6f);
        Assert.Equal(0f, red[2, 0, 0], 1e-6f);

        var img = TestImages.Noise(8, 8, 2);
        var before = img.Clone();
        ColorJitter.AdjustHue(img, -0.1f);
        for (int p = 0; p < img.PlaneSize; p++)
        {
            var a = ColorJitter.ToHsv(before.Data[p], before.Data[64 + p], before.Data[128 + p]);
            var b = ColorJitter.ToHsv(img.Data[p], img.Data[64 + p], img.Data[128 + p]);
            double dh = ((b.H - a.H) % 1 + 1.5) % 1 - 0.5;
            if (a.S > 0.05) Assert.Equal(-0.1, dh, 1e-3);
            Assert.Equal(a.S, b.S, 1e-4f);
            Assert.Equal(a.V, b.V, 1e-5f);
        }
    }

    [Fact]
    public void Hsv_round_trip_is_exact_enough()
    {
        var img = TestImages.Noise(16, 16, 3);
        for (int p = 0; p < img.PlaneSize; p++)
        {
            var (h, s, v) = ColorJitter.ToHsv(img.Data[p], img.Data[256 + p], img.Data[512 + p]);
            var (r, g, b) = ColorJitter.ToRgb(h, s, v);
            Assert.Equal(img.Data[p], r, 1e-5f);
            Assert.Equal(img.Data[256 + p], g, 1e-5f);
            Assert.Equal(img.Data[512 + p], b, 1e-5f);
        }
    }

    [Fact]
    public void Brightness_scales_and_clamps()
    {
        var img = TestImages.Noise(8, 8, 4);
        var before = img.Clone();
        ColorJitter.AdjustBrightness(img, 1.5f);
        for (int i = 0; i < img.Data.Length; i++) Assert.Equal(Math.Min(1f, before.Data[i] * 1.5f), img.Data[i], 1e-6f);
    }

    [Fact]
    public void Contrast_blends_with_the_mean_luma()
    {
        var img = TestImages.Noise(8, 8, 5, 0.3f, 0.7f);
        var luma = new float[img.PlaneSize];
        Grayscale.Luma(img, luma);
        float mean = luma.Average();
        var flat = img.Clone();
        ColorJitter.AdjustContrast(flat, 0f);
        Assert.All(flat.Data, v => Assert.Equal(mean, v, 1e-5f));
        var strong = img.Clone();
        ColorJitter.AdjustContrast(strong, 1.5f);
        for (int i = 0; i < img.Data.Length; i++)
            Assert.Equal(Math.Clamp(1.5f * img.Data[i] - 0.5f * mean, 0, 1), strong.Data[i], 1e-5f);
    }

    [Fact]
    public void Saturation_zero_is_grayscale_and_above_one_moves_away_from_gray()
    {
        var img = TestImages.Noise(8, 8, 6, 0.3f, 0.7f);
        var gray = img.Clone();
        Grayscale.Apply(gray);
        var desaturated = img.Clone();
        ColorJitter.AdjustSaturation(desaturated, 0f);
        for (int i = 0; i < img.Data.Length; i++) Assert.Equal(gray.Data[i], desaturated.Data[i], 1e-6f);
        var vivid = img.Clone();
        ColorJitter.AdjustSaturation(vivid, 1.3f);
        for (int i = 0; i < img.Data.Length; i++)
            Assert.Equal(1.3f * img.Data[i] - 0.3f * gray.Data[i], vivid.Data[i], 1e-5f);
    }

    [Fact]
    public void Blur_lowers_high_frequency_energy_and_keeps_the_mean()
    {
        var img = TestImages.Noise(32, 32, 7);
        var blurred = img.Clone();
        GaussianBlur.Apply(blurred, 1.0);
        Assert.True(TestImages.HighFrequencyEnergy(blurred) < 0.2 * TestImages.HighFrequencyEnergy(img));
        Assert.Equal(TestImages.Mean(img, 0), TestImages.Mean(blurred, 0), 0.01);
    }

    [Fact]
    public void Flip_mirrors_columns()
    {
        var img = TestImages.Noise(5, 3, 8);
        var flipped = img.Clone();
        HorizontalFlip.Apply(flipped);
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 3; y++)
                for (int x = 0; x < 5; x++) Assert.Equal(img[c, y, 4 - x], flipped[c, y, x]);
    }

    [Fact]
    public void Normalisation_gives_the_standardised_values()
    {
        var img = TestImages.Solid(2, 2, 0.5f, 0.25f, 1f);
        Normalization.Apply(img, ViewOptions.ImageNetMean, ViewOptions.ImageNetStd);
        Assert.Equal((0.5f - 0.485f) / 0.229f, img[0, 1, 1], 1e-6f);
        Assert.Equal((0.25f - 0.456f) / 0.224f, img[1, 0, 1], 1e-6f);
        Assert.Equal((1f - 0.406f) / 0.225f, img[2, 1, 0], 1e-6f);
    }

    [Fact]
    public void With_every_probability_zero_a_view_is_just_the_resize_whatever_the_strengths()
    {
        var img = TestImages.Noise(20, 20, 9);
        var expected = RandomResizedCrop.Apply(img, new CropBox(0, 0, 20, 20), 16);
        for (int seed = 0; seed < 20; seed++)
        {
            var view = ViewAugmenter.Apply(img, Off with { Brightness = 0.9, Hue = 0.5 }, new SeededRandom(seed, 0, 0));
            Assert.Equal(expected.Data, view.Data);
        }
    }

    [Fact]
    public void Each_step_with_probability_one_is_applied_in_the_view_chain()
    {
        var img = TestImages.Noise(20, 20, 10);
        var plain = ViewAugmenter.Apply(img, Off, new SeededRandom(0, 0, 0));
        var gray = ViewAugmenter.Apply(img, Off with { GrayscaleProbability = 1 }, new SeededRandom(0, 0, 0));
        Assert.Equal(gray.Plane(0).ToArray(), gray.Plane(2).ToArray());
        var flipped = ViewAugmenter.Apply(img, Off with { FlipProbability = 1 }, new SeededRandom(0, 0, 0));
        HorizontalFlip.Apply(plain);
        Assert.Equal(plain.Data, flipped.Data);
        HorizontalFlip.Apply(plain);
        var blurred = ViewAugmenter.Apply(img, Off with { BlurProbability = 1 }, new SeededRandom(0, 0, 0));
        Assert.True(TestImages.HighFrequencyEnergy(blurred) < 0.9 * TestImages.HighFrequencyEnergy(plain));
        var jittered = ViewAugmenter.Apply(img, Off with { JitterProbability = 1, Brightness = 0.4 },
            new SeededRandom(0, 0, 0));
        Assert.NotEqual(plain.Data, jittered.Data);
        var normalised = ViewAugmenter.Apply(img, Off with { Mean = [0.5f, 0.5f, 0.5f], Std = [0.5f, 0.5f, 0.5f] },
            new SeededRandom(0, 0, 0));
        Assert.Equal(2 * plain.Data[5] - 1, normalised.Data[5], 1e-6f);
    }

    [Fact]
    public void Jitter_applies_all_four_steps_in_a_random_order()
    {
        var img = TestImages.Noise(8, 8, 11, 0.2f, 0.8f);
        var outputs = new HashSet<string>();
        for (int seed = 0; seed < 50; seed++)
        {
            var x = img.Clone();
            ColorJitter.Apply(x, 0.4, 0.4, 0.4, 0.1, new SeededRandom(seed, 0, 0));
            Assert.NotEqual(img.Data, x.Data);
            outputs.Add(string.Join(",", x.Data.Take(4)));
        }
        Assert.Equal(50, outputs.Count);
    }

    [Fact]
    public void Eval_transform_resizes_the_shorter_side_and_centre_crops()
    {
        var rgb = new byte[3 * 300 * 200];
        for (int y = 0; y < 200; y++)
            for (int x = 0; x < 300; x++) rgb[3 * (y * 300 + x)] = (byte)(x * 255 / 299);
        var image = new RgbImage(300, 200, rgb);
        var transform = new EvalTransform { ResizeTo = 100, CropSize = 80, Mean = [0, 0, 0], Std = [1, 1, 1] };
        var view = transform.Apply(image);
        Assert.Equal(80, view.Width);
        Assert.Equal(80, view.Height);
        // 300×200 → 150×100; the crop's centre column is the image's centre.
        Assert.Equal(0.5, (view[0, 40, 39] + view[0, 40, 40]) / 2, 0.02);
        Assert.Equal(view.Data, transform.Apply(image).Data);

        var fmnist = EvalTransform.FashionMnistDefaults.Apply(new RgbImage(28, 28, new byte[3 * 28 * 28]));
        Assert.Equal((32, 32), (fmnist.Width, fmnist.Height));
        Assert.Equal(-0.2860f / 0.3530f, fmnist[1, 5, 5], 1e-5f);
    }

    [Fact]
    public void Presets_have_the_documented_values()
    {
        var official = AugmentationOptions.Official;
        Assert.Equal((224, 96, 10), (official.Global.Size, official.Focal.Size, official.FocalCount));
        Assert.Equal((0.3, 1.0), official.Global.Scale);
        Assert.Equal((0.05, 0.3), official.Focal.Scale);
        Assert.Equal(new ViewOptions().WithJitterStrength(0.5), official.Global);
        var fm = AugmentationOptions.FashionMnistDefaults;
        Assert.Equal((32, 16, 0.0), (fm.Global.Size, fm.Focal.Size, fm.Focal.BlurProbability));
        Assert.Equal(0.3530f, fm.Focal.Std[2]);
    }
}
