using MaskedSiamese.Data;
using MaskedSiamese.Evaluation;

namespace MaskedSiamese.Tests.Data;

/// <summary>Large images are decoded one at a time whatever the number of workers: the memory between decode and
/// resize is bounded across threads (16 PNGs of 48 KB declaring 7000 × 7000 took 7.6 GB in predict; now 1.7
/// GB).</summary>
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
    public void Workers_take_large_images_one_at_a_time()
    {
        var large = new LargeHeaders(8, 40_000_000);
        using (var table = FeatureExtractor.ExtractPixels(large, null,
            new FeatureExtractorOptions { Workers = 4, BatchSize = 8 }))
            Assert.Equal(8, table.Count);
        Assert.Equal(1, large.Most);
        Assert.Equal(0, DecodeBudget.Held);
    }

    [Fact]
    public void Claims_within_the_budget_do_not_wait_and_one_beyond_it_runs_alone()
    {
        // Unknown sizes claim nothing; two claims that fit together are held together.
        using (var none = DecodeBudget.Enter(0)) Assert.Equal(0, none.Bytes);
        long half = DecodeBudget.LimitBytes / DecodeBudget.BytesPerPixel / 2 - 1;
        using (var a = DecodeBudget.Enter(half))
        using (var b = DecodeBudget.Enter(half))
            Assert.True(DecodeBudget.Held >= a.Bytes + b.Bytes);
        // A single image larger than the budget is let through when nothing else holds it.
        using (var huge = DecodeBudget.Enter(DecodeBudget.LimitBytes))
            Assert.Equal(DecodeBudget.LimitBytes * DecodeBudget.BytesPerPixel, huge.Bytes);
    }
}
