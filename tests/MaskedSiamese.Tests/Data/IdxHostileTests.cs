using System.Buffers.Binary;
using System.IO.Compression;
using MaskedSiamese.Data;

namespace MaskedSiamese.Tests.Data;

/// <summary>
/// Issue 16, items 5 and 6: IDX files whose header lies (negative, wrapping or oversized dimensions, a short header)
/// and gzip bombs are refused with one line naming the file, before anything of the claimed size is allocated.
/// </summary>
public sealed class IdxHostileTests : IDisposable
{
    private const long AllocationBound = 16L << 20;
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-idx-hostile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] Header(int rank, params int[] dims)
    {
        var h = new byte[4 + 4 * dims.Length];
        h[2] = 0x08;
        h[3] = (byte)rank;
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(h.AsSpan(4 + 4 * i), dims[i]);
        return h;
    }

    // Valid labels for one image, so that only the images file can be at fault.
    private void WriteLabels(bool gz = false) =>
        Write("train-labels-idx1-ubyte", [.. Header(1, 1), 3], gz);

    private string Write(string name, byte[] bytes, bool gz)
    {
        string path = Path.Combine(_dir, gz ? name + ".gz" : name);
        using var file = File.Create(path);
        if (!gz)
        {
            file.Write(bytes);
            return path;
        }
        using var z = new GZipStream(file, CompressionLevel.Fastest);
        z.Write(bytes);
        return path;
    }

    private InvalidDataException Refused(out long allocated)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => FashionMnist.Load(_dir));
        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains("train-images-idx3-ubyte", e.Message, StringComparison.Ordinal);
        return e;
    }

    [Fact]
    public void A_gzip_that_inflates_far_past_its_header_is_refused_after_inflating_only_what_the_header_claims()
    {
        WriteLabels();
        // One 28×28 image claimed, followed by 256 MB of zeros that deflate to ~250 kB.
        string path = Path.Combine(_dir, "train-images-idx3-ubyte.gz");
        using (var file = File.Create(path))
        using (var z = new GZipStream(file, CompressionLevel.Fastest))
        {
            z.Write(Header(3, 1, 28, 28));
            var zeros = new byte[1 << 20];
            for (int i = 0; i < 256; i++) z.Write(zeros);
        }

        var e = Refused(out long allocated);
        Assert.Contains("data continues past the 784 bytes", e.Message, StringComparison.Ordinal);
        Assert.True(allocated < AllocationBound, $"{allocated} bytes allocated");
    }

    [Fact]
    public void A_small_gzip_claiming_gigabytes_is_refused_before_allocating_them()
    {
        WriteLabels();
        Write("train-images-idx3-ubyte", Header(3, 60000, 180, 180), gz: true);   // ~1.9 GB claimed

        var e = Refused(out long allocated);
        Assert.Contains("more than", e.Message, StringComparison.Ordinal);
        Assert.True(allocated < AllocationBound, $"{allocated} bytes allocated");
    }

    [Theory]
    [InlineData(-1, 28, 28, "dimension 0 is -1")]
    [InlineData(1, 0, 28, "dimension 1 is 0")]
    [InlineData(int.MaxValue, int.MaxValue, int.MaxValue, "claim more than")]
    [InlineData(65536, 65536, 1, "claim more than")]
    public void Non_positive_or_wrapping_dimensions_are_refused(int d0, int d1, int d2, string expected)
    {
        WriteLabels();
        Write("train-images-idx3-ubyte", [.. Header(3, d0, d1, d2), .. new byte[784]], gz: false);

        var e = Refused(out long allocated);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.True(allocated < AllocationBound, $"{allocated} bytes allocated");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_header_shorter_than_its_dimensions_is_refused_clearly(bool gz)
    {
        WriteLabels();
        Write("train-images-idx3-ubyte", Header(3, 1, 28, 28)[..10], gz);

        var e = Refused(out _);
        Assert.Contains("header ends after 10 bytes; 3 dimension(s) need 16", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plain_file_claiming_more_than_it_holds_is_refused_before_allocating()
    {
        WriteLabels();
        Write("train-images-idx3-ubyte", [.. Header(3, 60000, 180, 180), 1, 2, 3], gz: false);

        var e = Refused(out long allocated);
        Assert.Contains("3 data bytes, but the IDX header claims 1944000000", e.Message, StringComparison.Ordinal);
        Assert.True(allocated < AllocationBound, $"{allocated} bytes allocated");
    }

    [Fact]
    public void Labels_outside_the_ten_classes_are_refused()
    {
        Write("train-images-idx3-ubyte", [.. Header(3, 1, 28, 28), .. new byte[784]], gz: false);
        Write("train-labels-idx1-ubyte", [.. Header(1, 1), 200], gz: false);

        var e = Assert.Throws<InvalidDataException>(() => FashionMnist.Load(_dir));
        Assert.Contains("label 200 of image 0 is not a class", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_valid_gzipped_pair_still_loads()
    {
        var pixels = Enumerable.Range(0, 2 * 784).Select(i => (byte)i).ToArray();
        Write("train-images-idx3-ubyte", [.. Header(3, 2, 28, 28), .. pixels], gz: true);
        Write("train-labels-idx1-ubyte", [.. Header(1, 2), 4, 9], gz: true);

        var data = FashionMnist.Load(_dir);

        Assert.Equal((2, 28, 28), (data.Count, data.Height, data.Width));
        Assert.Equal(pixels, data.Pixels);
        Assert.Equal([4, 9], data.Labels);
    }
}
