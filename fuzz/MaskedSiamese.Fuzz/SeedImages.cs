using System.Buffers.Binary;
using SkiaSharp;

namespace MaskedSiamese.Fuzz;

/// <summary>Tiny images for the image target's seeds: each format the folder loader accepts.</summary>
public static class SeedImages
{
    /// <summary>A 1×1 GIF89a (SkiaSharp decodes GIF but does not encode it).</summary>
    public static byte[] Gif1x1 { get; } =
    [
        0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 1, 0, 1, 0, 0x80, 0, 0, 0xFF, 0, 0, 0, 0, 0xFF, 0x21, 0xF9, 4, 0, 0, 0, 0,
        0, 0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 1, 0, 0x3B,
    ];

    /// <summary>A <paramref name="w"/>×<paramref name="h"/> gradient (brightness <paramref name="tone"/>) in a
    /// SkiaSharp-encoded format.</summary>
    public static byte[] Encode(int w, int h, SKColorType type, SKEncodedImageFormat format, byte tone = 128)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(w, h, type, SKAlphaType.Opaque));
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                bitmap.SetPixel(x, y, new SKColor((byte)(tone + 9 * x), (byte)(tone + 17 * y), (byte)(tone ^ (x * y))));
        using var data = bitmap.Encode(format, 90);
        return data.ToArray();
    }

    /// <summary>An uncompressed 24-bit BMP (BITMAPINFOHEADER), rows bottom-up and padded to 4 bytes.</summary>
    public static byte[] Bmp(int w, int h)
    {
        int row = (3 * w + 3) / 4 * 4, size = 54 + row * h;
        var b = new byte[size];
        (b[0], b[1]) = ((byte)'B', (byte)'M');
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(2), size);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(18), w);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(22), h);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(28), 24);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(34), row * h);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < 3 * w; x++)
                b[54 + y * row + x] = (byte)(40 * x + 70 * y);
        return b;
    }
}
