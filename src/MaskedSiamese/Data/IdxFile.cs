using System.Buffers.Binary;
using System.IO.Compression;

namespace MaskedSiamese.Data;

/// <summary>
/// Reads an IDX file of unsigned bytes (plain or gzipped) with its sizes checked before anything is allocated: the
/// header must be complete, every dimension positive, their product must fit an array, and the data must be
/// exactly that long. A gzipped file is inflated only as far as the header says is needed (plus one byte to detect
/// trailing data), so a small file that inflates to gigabytes costs no more than the data it claims.
/// </summary>
internal static class IdxFile
{
    // Deflate cannot expand one input byte to more than ~1032 output bytes: a claim beyond that is refused at once.
    private const long MaxDeflateRatio = 1032;

    /// <summary>The data and dimensions of <paramref name="path"/>, which must have <paramref name="rank"/>
    /// dimensions.</summary>
    /// <exception cref="InvalidDataException">The file is not such an IDX file; the message names it and the
    /// problem.</exception>
    public static (byte[] Data, int[] Dims) Read(string path, int rank)
    {
        using var file = File.OpenRead(path);
        bool gzipped = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
        using Stream s = gzipped ? new GZipStream(file, CompressionMode.Decompress) : file;
        var header = new byte[4 + 4 * rank];
        int got = s.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (got < 4 || header[0] != 0 || header[1] != 0 || header[2] != 0x08 || header[3] != rank)
            throw new InvalidDataException($"{path}: not an IDX file of unsigned bytes with {rank} dimension(s)");
        if (got < header.Length)
            throw new InvalidDataException(
                $"{path}: the IDX header ends after {got} bytes; {rank} dimension(s) need {header.Length}");
        var dims = new int[rank];
        long total = 1;
        for (int i = 0; i < rank; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4 + 4 * i, 4));
            if (dims[i] <= 0)
                throw new InvalidDataException($"{path}: IDX dimension {i} is {dims[i]} (must be positive)");
            // Each factor is below 2^31 and the running product is kept below 2^31, so this cannot wrap.
            total *= dims[i];
            if (total > Array.MaxLength)
                throw new InvalidDataException(
                    $"{path}: the IDX dimensions {string.Join('×', dims.Take(i + 1))} claim more than " +
                    $"{Array.MaxLength} bytes");
        }
        long available = gzipped ? file.Length * MaxDeflateRatio : file.Length - header.Length;
        if (gzipped ? total > available : total != available)
            throw new InvalidDataException(gzipped
                ? $"{path}: the IDX header claims {total} data bytes, more than {file.Length} compressed bytes can hold"
                : $"{path}: {available} data bytes, but the IDX header claims {total} (truncated?)");
        return (ReadData(s, path, total), dims);
    }

    private static byte[] ReadData(Stream s, string path, long total)
    {
        var data = new byte[total];
        int read = s.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (read < data.Length)
            throw new InvalidDataException($"{path}: {read} data bytes, but the IDX header claims " +
                $"{total} (truncated?)");
        if (s.ReadByte() >= 0)
            throw new InvalidDataException($"{path}: data continues past the {total} bytes the IDX header claims");
        return data;
    }
}
