using MaskedSiamese.Data;
using SkiaSharp;

namespace MaskedSiamese.Tests.Data;

/// <summary>
/// Issue 16, item 3: an image whose header claims more pixels than <see cref="ImageFolderOptions.MaxPixels"/> is a
/// counted skip decided from the header, before any pixel buffer is allocated; so is every other per-file failure.
/// </summary>
public sealed class ImageBoundsTests : IDisposable
{
    private const long AllocationBound = 16L << 20;
    private readonly string _root = Directory.CreateTempSubdirectory("msn-image-bounds-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string ClassDir()
    {
        string d = Path.Combine(_root, "classA");
        Directory.CreateDirectory(d);
        TestImageFiles.WriteSkia(Path.Combine(d, "good.png"), 16, 16, new SKColor(1, 2, 3), SKEncodedImageFormat.Png);
        return d;
    }

    private (ImageFolderSource Source, string Log, long Allocated) Open(ImageFolderOptions? options = null)
    {
        var log = new StringWriter();
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var source = ImageFolderSource.Open(_root, (options ?? new ImageFolderOptions()) with { Log = log });
        return (source, log.ToString(), GC.GetTotalAllocatedBytes(precise: true) - before);
    }

    [Theory]
    [InlineData(12000, 12000, "12000×12000 = 144000000 pixels")]
    [InlineData(int.MaxValue, int.MaxValue, "")]   // 4·w·h overflows a long: refused by Skia or by the limit
    public void A_small_png_claiming_a_huge_image_is_a_counted_skip_from_its_header(int w, int h, string expected)
    {
        TestImageFiles.WritePngHeaderOnly(Path.Combine(ClassDir(), "huge.png"), w, h);

        var (source, log, allocated) = Open(new ImageFolderOptions { DecodeUpFront = true });

        Assert.Equal(1, source.Count);
        Assert.Equal(1, source.SkippedCount);
        Assert.Contains("huge.png", log, StringComparison.Ordinal);
        Assert.Contains(expected, log, StringComparison.Ordinal);
        Assert.True(allocated < AllocationBound, $"{allocated} bytes allocated");
    }

    [Fact]
    public void A_bmp_header_claiming_20000_squared_is_refused_before_decoding()
    {
        string path = Path.Combine(ClassDir(), "huge.bmp");
        TestImageFiles.WriteBmpHeaderOnly(path, 20000, 20000);

        long before = GC.GetTotalAllocatedBytes(precise: true);
        var image = ImageDecoder.TryDecode(path, out string? why);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Null(image);
        Assert.Contains("20000×20000 = 400000000 pixels, more than the 50000000 allowed", why,
            StringComparison.Ordinal);
        Assert.True(allocated < AllocationBound, $"{allocated} bytes allocated");
        var (source, _, _) = Open();
        Assert.Equal((1, 1), (source.Count, source.SkippedCount));
    }

    [Fact]
    public void The_pixel_limit_is_configurable_and_checked()
    {
        string d = ClassDir();
        TestImageFiles.WriteSkia(Path.Combine(d, "small.png"), 8, 8, new SKColor(1, 2, 3), SKEncodedImageFormat.Png);

        var (source, log, _) = Open(new ImageFolderOptions { MaxPixels = 100 });

        Assert.Equal((1, 1), (source.Count, source.SkippedCount));
        Assert.Contains("good.png: 16×16 = 256 pixels, more than the 100 allowed", log, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            ImageFolderSource.Open(_root, new ImageFolderOptions { MaxPixels = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            ImageFolderSource.Open(_root, new ImageFolderOptions { MaxPixels = ImageDecoder.MaxPixelsLimit + 1 }));
    }

    [Fact]
    public void A_file_that_turns_bad_after_the_scan_is_a_counted_skip_at_read_time()
    {
        string d = ClassDir();
        string later = Path.Combine(d, "later.png");
        TestImageFiles.WriteSkia(later, 8, 8, new SKColor(1, 2, 3), SKEncodedImageFormat.Png);
        var (source, _, _) = Open();
        Assert.Equal(2, source.Count);

        TestImageFiles.WritePngHeaderOnly(later, 12000, 12000);
        int index = Enumerable.Range(0, source.Count).Single(i => source.PathOf(i) == later);

        Assert.Null(source.TryGet(index));
        Assert.Equal(1, source.SkippedCount);
    }
}
