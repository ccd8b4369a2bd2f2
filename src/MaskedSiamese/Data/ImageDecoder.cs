using System.Runtime.InteropServices;
using MaskedSiamese.IO;
using SkiaSharp;

namespace MaskedSiamese.Data;

/// <summary>
/// Decodes JPEG, PNG, BMP, WebP and GIF (first frame) files to <see cref="RgbImage"/> with SkiaSharp. Grayscale,
/// palette and 16-bit images are converted to 8-bit RGB; an alpha channel is composited on black (each colour is
/// multiplied by its alpha), which is what decoding to premultiplied RGBA and dropping the alpha gives. EXIF
/// orientation is ignored, as PIL's <c>Image.open</c> in the official pipeline ignores it. The size a header claims is
/// checked against a pixel limit before anything is decoded, and every failure is reported as a reason, never thrown.
/// </summary>
public static class ImageDecoder
{
    /// <summary>File extensions (lower case, with the dot) that image folders consider.</summary>
    public static readonly IReadOnlySet<string> Extensions =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ".jpg", ".jpeg", ".png", ".bmp", ".webp", ".gif" };

    /// <summary>Default limit on width × height (50 megapixels: 200 MB while decoding, 150 MB decoded).</summary>
    public const long DefaultMaxPixels = 50_000_000;

    /// <summary>
    /// Largest limit that may be set: the RGBA decode buffer (4 bytes a pixel) must fit one array, and 3 bytes a pixel
    /// must stay within the 32-bit indices of the augmentation code.
    /// </summary>
    public const long MaxPixelsLimit = 500_000_000;

    // Opening a FIFO blocks until a writer comes, and a device may never end: only regular files are opened.
    private const string NotRegular = "not a regular file (a FIFO, socket, device or dangling link is never opened)";

    /// <summary>
    /// Reads only the header of <paramref name="path"/>: cheap, and enough to reject empty, non-image, unsupported
    /// and oversized files. Returns null when the header is fine, else why not.
    /// </summary>
    public static string? Probe(string path) => Probe(path, DefaultMaxPixels);

    /// <summary>As <see cref="Probe(string)"/>, with images above <paramref name="maxPixels"/> (width × height)
    /// refused.</summary>
    public static string? Probe(string path, long maxPixels) => Probe(path, maxPixels, out _);

    /// <summary>As <see cref="Probe(string, long)"/>; <paramref name="pixels"/> receives width × height as the header
    /// claims (0 when it cannot be read), what <see cref="DecodeBudget"/> is claimed by.</summary>
    public static string? Probe(string path, long maxPixels, out long pixels)
    {
        pixels = 0;
        if (!FileKind.IsRegularFile(path)) return NotRegular;
        try
        {
            using var codec = SKCodec.Create(path, out var result);
            if (codec is null) return $"not a decodable image ({result})";
            pixels = Math.Max(0L, (long)codec.Info.Width * codec.Info.Height);
            return CheckSize(codec.Info, maxPixels);
        }
#pragma warning disable CA1031 // any failure on one file is that file's skip, whatever the decoder throws
        catch (Exception e)
#pragma warning restore CA1031
        {
            return Reason(e);
        }
    }

    /// <summary>Width × height that the header of <paramref name="path"/> claims, or 0 when it cannot be
    /// read.</summary>
    public static long PixelCount(string path)
    {
        Probe(path, long.MaxValue, out long pixels);
        return pixels;
    }

    /// <summary>Decodes the whole of <paramref name="path"/>; on failure returns null and says why in
    /// <paramref name="error"/>.</summary>
    public static RgbImage? TryDecode(string path, out string? error) => TryDecode(path, DefaultMaxPixels, out error);

    /// <summary>As <see cref="TryDecode(string, out string?)"/>, with images above <paramref name="maxPixels"/> refused
    /// from their header, before any pixel buffer is allocated.</summary>
    public static RgbImage? TryDecode(string path, long maxPixels, out string? error)
    {
        if (!FileKind.IsRegularFile(path))
        {
            error = NotRegular;
            return null;
        }
        try
        {
            using var codec = SKCodec.Create(path, out var created);
            error = codec is null ? $"not a decodable image ({created})" : CheckSize(codec.Info, maxPixels);
            return error is null ? Decode(codec!, out error) : null;
        }
#pragma warning disable CA1031 // any failure on one file is that file's skip, whatever the decoder throws
        catch (Exception e)
#pragma warning restore CA1031
        {
            error = Reason(e);
            return null;
        }
    }

    private static string Reason(Exception e) =>
        e is IOException or UnauthorizedAccessException
            ? e.Message
            : $"decoder failed ({e.GetType().Name}: {e.Message})";

    // Width and height are ints, so their product in long cannot overflow.
    private static string? CheckSize(SKImageInfo info, long maxPixels)
    {
        long w = info.Width, h = info.Height, pixels = w * h;
        if (w <= 0 || h <= 0) return $"empty image ({w}×{h})";
        return pixels > maxPixels
            ? $"{w}×{h} = {pixels} pixels, more than the {maxPixels} allowed (ImageFolderOptions.MaxPixels)"
            : null;
    }

    private static RgbImage? Decode(SKCodec codec, out string? error)
    {
        int w = codec.Info.Width, h = codec.Info.Height;
        // Premultiplied RGBA: dropping alpha afterwards composites on black.
        var info = new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul);
        var rgba = new byte[4L * w * h];
        var handle = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        SKCodecResult result;
        try
        {
            result = codec.GetPixels(info, handle.AddrOfPinnedObject());
        }
        finally
        {
            handle.Free();
        }
        // IncompleteInput means a truncated file with the missing rows filled in: reject it rather than train on it.
        if (result != SKCodecResult.Success)
        {
            error = $"decoding failed ({result})";
            return null;
        }
        var rgb = new byte[3L * w * h];
        for (long p = 0, n = (long)w * h; p < n; p++)
        {
            rgb[3 * p] = rgba[4 * p];
            rgb[3 * p + 1] = rgba[4 * p + 1];
            rgb[3 * p + 2] = rgba[4 * p + 2];
        }
        error = null;
        return new RgbImage(w, h, rgb);
    }
}
