using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using SkiaSharp;

namespace MaskedSiamese.Tests.Data;

/// <summary>Writes small image files: through SkiaSharp where it encodes the format, by hand otherwise.</summary>
internal static class TestImageFiles
{
    /// <summary>A solid-colour image encoded by SkiaSharp (JPEG, PNG or WebP; alpha kept unpremultiplied).</summary>
    public static void WriteSkia(string path, int w, int h, SKColor color, SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        bitmap.Erase(color);
        using var data = bitmap.Encode(format, 100);
        File.WriteAllBytes(path, data.ToArray());
    }

    /// <summary>A JPEG of noise (so it has many bytes after the header), to be truncated.</summary>
    public static byte[] NoiseJpeg(int w, int h)
    {
        using var bitmap = new SKBitmap(w, h);
        var random = new Random(1);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                bitmap.SetPixel(x, y, new SKColor((byte)random.Next(256), (byte)random.Next(256),
                    (byte)random.Next(256)));
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 95);
        return data.ToArray();
    }

    /// <summary>A 24-bit bottom-up BMP of one colour.</summary>
    public static void WriteBmp(string path, int w, int h, byte r, byte g, byte b)
    {
        int stride = (3 * w + 3) & ~3;
        var bytes = new byte[54 + stride * h];
        WriteBmpHeader(bytes, w, h);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(34), stride * h);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int o = 54 + y * stride + 3 * x;
                (bytes[o], bytes[o + 1], bytes[o + 2]) = (b, g, r);
            }
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>
    /// A PNG from raw samples: colour type 0 (gray), 2 (RGB) or 3 (palette), bit depth 8 or 16; every row is
    /// <paramref name="row"/> (big-endian samples as PNG wants).
    /// </summary>
    public static void WritePng(string path, int w, int h, byte colorType, byte bitDepth, byte[] row,
        byte[]? palette = null)
    {
        using var file = File.Create(path);
        file.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, w);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), h);
        header[8] = bitDepth;
        header[9] = colorType;
        Chunk(file, "IHDR", header);
        if (palette is not null) Chunk(file, "PLTE", palette);
        using var raw = new MemoryStream();
        using (var z = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
            for (int y = 0; y < h; y++)
            {
                z.WriteByte(0); // filter: none
                z.Write(row);
            }
        Chunk(file, "IDAT", raw.ToArray());
        Chunk(file, "IEND", []);
    }

    /// <summary>
    /// A PNG whose header claims <paramref name="w"/>×<paramref name="h"/> RGB pixels but whose data holds one row:
    /// a few dozen bytes that ask a decoder for gigabytes.
    /// </summary>
    public static void WritePngHeaderOnly(string path, int w, int h)
    {
        using var file = File.Create(path);
        file.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, w);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), h);
        header[8] = 8;
        header[9] = 2;
        Chunk(file, "IHDR", header);
        using var raw = new MemoryStream();
        using (var z = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true)) z.Write(new byte[1 + 3 * 16]);
        Chunk(file, "IDAT", raw.ToArray());
        Chunk(file, "IEND", []);
    }

    /// <summary>The 54-byte header of a 24-bit BMP of <paramref name="w"/>×<paramref name="h"/> (file size from the
    /// array).</summary>
    private static void WriteBmpHeader(byte[] bytes, int w, int h)
    {
        bytes[0] = (byte)'B';
        bytes[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(2), bytes.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(18), w);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(22), h);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(28), 24);
    }

    /// <summary>A 24-bit BMP whose header claims <paramref name="w"/>×<paramref name="h"/> but that holds 16 bytes of
    /// pixels.</summary>
    public static void WriteBmpHeaderOnly(string path, int w, int h)
    {
        var bytes = new byte[54 + 16];
        WriteBmpHeader(bytes, w, h);
        File.WriteAllBytes(path, bytes);
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        var typeBytes = Encoding.ASCII.GetBytes(type);
        Span<byte> n = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(n, data.Length);
        s.Write(n);
        s.Write(typeBytes);
        s.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(n, Crc32([.. typeBytes, .. data]));
        s.Write(n);
    }

    private static uint Crc32(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }
}
