using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using MaskedSiamese.Data;
using MaskedSiamese.IO;
using SkiaSharp;

namespace MaskedSiamese.Labelling;

/// <summary>
/// Small JPEG copies of images for a web page, made once and kept in a folder: the file name is a hash of the image's
/// path, size and modification time, so an edited image gets a new thumbnail and nothing is ever served by a name
/// that came from a client. Images are decoded with the same limits as training data; an unreadable one has none.
/// </summary>
public sealed class ThumbnailCache
{
    /// <summary>A cache in <paramref name="folder"/> of thumbnails at most <paramref name="side"/> pixels wide and
    /// high.</summary>
    public ThumbnailCache(string folder, int side = 192)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentOutOfRangeException.ThrowIfLessThan(side, 16);
        Folder = Path.GetFullPath(folder);
        Side = side;
    }

    /// <summary>Where thumbnails are kept.</summary>
    public string Folder { get; }

    /// <summary>The largest width and height of a thumbnail; smaller images keep their size.</summary>
    public int Side { get; }

    /// <summary>The JPEG bytes of <paramref name="imagePath"/>'s thumbnail (made and stored on first use), or null
    /// when the image cannot be read.</summary>
    public byte[]? Get(string imagePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(imagePath);
        var info = new FileInfo(imagePath);
        if (!info.Exists) return null;
        string key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Create(
            CultureInfo.InvariantCulture, $"{info.FullName}\n{info.Length}\n{info.LastWriteTimeUtc.Ticks}\n{Side}"))));
        string cached = Path.Combine(Folder, key[..2], key + ".jpg");
        if (File.Exists(cached)) return File.ReadAllBytes(cached);
        byte[] jpeg;
        // The page asks for several at once: large photos wait their turn like any other decode.
        using (DecodeBudget.Enter(ImageDecoder.PixelCount(imagePath)))
        {
            var image = ImageDecoder.TryDecode(imagePath, out _);
            if (image is null) return null;
            jpeg = Encode(image, Side);
        }
        AtomicFile.Write(cached, s => s.Write(jpeg));
        return jpeg;
    }

    /// <summary>JPEG bytes of <paramref name="image"/> shrunk (never enlarged) to fit <paramref
    /// name="side"/>.</summary>
    public static byte[] Encode(RgbImage image, int side)
    {
        ArgumentNullException.ThrowIfNull(image);
        var rgba = new byte[4L * image.Width * image.Height];
        for (long p = 0, n = (long)image.Width * image.Height; p < n; p++)
        {
            rgba[4 * p] = image.Rgb[3 * p];
            rgba[4 * p + 1] = image.Rgb[3 * p + 1];
            rgba[4 * p + 2] = image.Rgb[3 * p + 2];
            rgba[4 * p + 3] = 255;
        }
        var info = new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var full = new SKBitmap();
        var handle = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        try
        {
            full.InstallPixels(info, handle.AddrOfPinnedObject(), info.RowBytes);
            double scale = Math.Min(1.0, (double)side / Math.Max(image.Width, image.Height));
            int w = Math.Max(1, (int)Math.Round(image.Width * scale)),
                h = Math.Max(1, (int)Math.Round(image.Height * scale));
            using var small = scale < 1 ? full.Resize(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Opaque),
                new SKSamplingOptions(SKCubicResampler.Mitchell)) : full.Copy();
            using var encoded = small.Encode(SKEncodedImageFormat.Jpeg, 88);
            return encoded.ToArray();
        }
        finally
        {
            handle.Free();
        }
    }
}
