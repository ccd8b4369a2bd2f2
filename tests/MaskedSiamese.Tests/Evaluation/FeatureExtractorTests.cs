using MaskedSiamese.Data.Augmentation;
using MaskedSiamese.Evaluation;
using MaskedSiamese.Tests.Data;
using TorchSharp;

namespace MaskedSiamese.Tests.Evaluation;

public sealed class FeatureExtractorTests
{
    private static readonly EvalTransform Eval = new() { ResizeTo = 16, CropSize = 16 };

    private sealed class Recorder : IProgress<(int Done, int Total)>
    {
        public List<(int Done, int Total)> Reports { get; } = [];

        public void Report((int Done, int Total) value)
        {
            lock (Reports) Reports.Add(value);
        }
    }

    [Fact]
    public void Features_equal_a_direct_ForwardBlocks_call_and_unreadable_items_are_dropped()
    {
        var source = new SyntheticSource(11, 20, 18, unreadable: new HashSet<int> { 3 });
        using var encoder = TinySetup.Encoder();
        var progress = new Recorder();
        using var features = FeatureExtractor.Extract(encoder, source, Eval,
            new FeatureExtractorOptions { BatchSize = 4, Progress = progress });

        int[] kept = [0, 1, 2, 4, 5, 6, 7, 8, 9, 10];
        Assert.Equal(kept, features.Indices);
        Assert.Equal([3], features.Dropped);
        Assert.Equal(kept.Select(i => i % 10), features.Labels);
        Assert.Equal([10L, 16L], features.Features.shape);
        Assert.Equal((11, 11), progress.Reports[^1]);

        using var scope = torch.NewDisposeScope();
        var images = kept.Select(i => Eval.Apply(source.TryGet(i)!).Data).SelectMany(d => d).ToArray();
        using var noGrad = torch.no_grad();
        encoder.eval();
        var expected = encoder.ForwardBlocks(torch.tensor(images, [kept.Length, 3, 16, 16]), 1);
        Assert.True(torch.allclose(expected, features.Features, rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void Final_norm_and_several_blocks_change_the_width()
    {
        var source = new SyntheticSource(5, 16, 16);
        using var encoder = TinySetup.Encoder();
        using var norm = FeatureExtractor.Extract(encoder, source, Eval,
            new FeatureExtractorOptions { Choice = FeatureChoice.Parse("final-norm") });
        using var two = FeatureExtractor.Extract(encoder, source, Eval,
            new FeatureExtractorOptions { Choice = FeatureChoice.Parse("blocks:2") });
        Assert.Equal(16, norm.Dimension);
        Assert.Equal(32, two.Dimension);
        using var direct = encoder.ForwardFeatures(torch.tensor(
            Eval.Apply(source.TryGet(0)!).Data, [1, 3, 16, 16]));
        Assert.True(torch.allclose(direct[0], norm.Features[0], rtol: 1e-4, atol: 1e-5));
        Assert.Throws<ArgumentException>(() => FeatureChoice.Parse("blocks:0"));
        Assert.Equal("blocks:2", FeatureChoice.Parse("blocks:2").ToString());
    }

    [Fact]
    public void Raw_pixels_are_bytes_over_255()
    {
        var source = new SyntheticSource(3, 4, 2);
        using var pixels = FeatureExtractor.ExtractPixels(source, null);
        var first = source.TryGet(0)!;
        Assert.Equal([3L, 24L], pixels.Features.shape);
        Assert.Equal(first.Rgb[0] / 255f, pixels.Features[0, 0].item<float>(), 6);      // R of pixel 0 (CHW)
        Assert.Equal(first.Rgb[1] / 255f, pixels.Features[0, 8].item<float>(), 6);      // G of pixel 0
    }

    [Fact]
    public void A_source_that_throws_surfaces_its_own_exception()
    {
        var source = new SyntheticSource(9, 16, 16, throwAt: 6);
        using var encoder = TinySetup.Encoder();
        var e = Assert.Throws<InvalidDataException>(() =>
            FeatureExtractor.Extract(encoder, source, Eval, new FeatureExtractorOptions { BatchSize = 4 }));
        Assert.Contains("synthetic failure at 6", e.Message, StringComparison.Ordinal);
    }
}
