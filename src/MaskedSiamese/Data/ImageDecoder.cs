using System.Runtime.InteropServices;
using MaskedSiamese.IO;
using SkiaSharp;

namespace MaskedSiamese.Data;

/// <summary>
/// Decodes JPEG, PNG, BMP, WebP and GIF (first frame) files to <see cref="RgbImage"/> with SkiaSharp. Grayscale, palette
/// and 16-bit images are converted to 8-bit RGB; an alpha channel is composited on black (each colour is multiplied by
/// its alpha), which is what decoding to premultiplied RGBA and dropping the alpha gives. EXIF orientation is ignored,
/// as PIL's <c>Image.open</c> in the official pipeline ignores it.
/// </summary>
public static class ImageDecoder
{
    /// <summary>File extensions (lower case, with the dot) that image folders consider.</summary>
    public static readonly IReadOnlySet<string> Extensions =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ".jpg", ".jpeg", ".png", ".bmp", ".webp", ".gif" };

    // Opening a FIFO blocks until a writer comes, and a device may never end: only regular files are opened.
    private const string NotRegular = "not a regular file (a FIFO, socket, device or dangling link is never opened)";

    /// <summary>
    /// Reads only the header of <paramref name="path"/>: cheap, and enough to reject empty, non-image and unsupported
    /// files. Returns null when the header is fine, else why not.
    /// </summary>
    public static string? Probe(string path)
    {
        if (!FileKind.IsRegularFile(path)) return NotRegular;
        try
        {
            using var codec = SKCodec.Create(path, out var result);
            if (codec is null) return $"not a decodable image ({result})";
            var info = codec.Info;
            return info.Width > 0 && info.Height > 0 ? null : $"empty image ({info.Width}×{info.Height})";
        }
        catch (IOException e)
        {
            return e.Message;
        }
        catch (UnauthorizedAccessException e)
        {
            return e.Message;
        }
    }

    /// <summary>Decodes the whole of <paramref name="path"/>; on failure returns null and says why in <paramref name="error"/>.</summary>
    public static RgbImage? TryDecode(string path, out string? error)
    {
        if (!FileKind.IsRegularFile(path))
        {
            error = NotRegular;
            return null;
        }
        try
        {
            using var codec = SKCodec.Create(path, out var created);
            if (codec is null)
            {
                error = $"not a decodable image ({created})";
                return null;
            }
            return Decode(codec, out error);
        }
        catch (IOException e)
        {
            error = e.Message;
            return null;
        }
        catch (UnauthorizedAccessException e)
        {
            error = e.Message;
            return null;
        }
    }

    private static RgbImage? Decode(SKCodec codec, out string? error)
    {
        int w = codec.Info.Width, h = codec.Info.Height;
        if (w <= 0 || h <= 0)
        {
            error = $"empty image ({w}×{h})";
            return null;
        }
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
