using MaskedSiamese.Data;
using MaskedSiamese.Evaluation;

namespace MaskedSiamese.Tests.Data;

/// <summary>Large images are decoded one at a time whatever the number of workers: the memory between decode and
/// resize is bounded across threads (16 PNGs of 48 KB declaring 7000 × 7000 took 7.6 GB in predict; now 1.7 GB).</summary>
public sealed class DecodeBudgetTests
{
    // Images whose headers claim 40 megapixels (800 MB each by the budget's measure), decoded as 8 × 8 pictures.
    private sealed class LargeHeaders(int count, long pixels) : IImageSource
    {
        private int _inside, _most;

        public int Most => _most;

        public int Count => count;

        public IReadOnlyList<string> ClassNames => [];

        public int SkippedCount => 0;

        public int Label(int index) => -1;

        public long PixelCount(int index) => pixels;

        public RgbImage? TryGet(int index)
        {
            int now = Interlocked.Increment(ref _inside);
            int seen;
            while ((seen = _most) < now && Interlocked.CompareExchange(ref _most, now, seen) != seen) { }
            // Long enough for the other workers to reach their own TryGet if nothing held them back.
            Thread.SpinWait(2_000_000);
            Interlocked.Decrement(ref _inside);
            return new RgbImage(8, 8, new byte[3 * 64]);
        }
    }

    [Fact]
    public void Workers_take_large_images_one_at_a_time_and_small_ones_together()
    {
        var large = new LargeHeaders(8, 40_000_000);
        using (var table = FeatureExtractor.ExtractPixels(large, null, new FeatureExtractorOptions { Workers = 4, BatchSize = 8 }))
            Assert.Equal(8, table.Count);
        Assert.Equal(1, large.Most);
        Assert.Equal(0, DecodeBudget.Held);

        // Unknown sizes claim nothing: the workers decode side by side (≥ 2 at once on any machine with 2 workers).
        var small = new LargeHeaders(8, 0);
        using (var table = FeatureExtractor.ExtractPixels(small, null, new FeatureExtractorOptions { Workers = 4, BatchSize = 8 }))
            Assert.Equal(8, table.Count);
        Assert.True(small.Most >= 2 || Environment.ProcessorCount == 1, $"at most {small.Most} at once");
    }
}
