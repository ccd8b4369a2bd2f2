using System.Buffers.Binary;
using System.Text;

namespace MaskedSiamese.Fuzz;

/// <summary>
/// Seeded mutations of a seed, the kinds AFL++ starts with: bit flips, byte overwrites, inserts and deletes,
/// truncation, interesting integers written over length fields (both byte orders), interesting tokens in text,
/// repeated chunks and splices with another seed. The same seed gives the same inputs on every machine
/// (<see cref="Random(int)"/> with a seed is a fixed algorithm), so a replay failure names an input one can rebuild.
/// </summary>
public sealed class Mutator
{
    /// <summary>Longest input produced: mutations that grow stop there.</summary>
    public const int MaxLength = 1 << 20;

    private static readonly long[] Integers =
    [
        0, 1, -1, 2, 7, 8, 127, 128, 255, 256, 1023, 4096, 32767, 65535, 65536, 100_000_000, int.MaxValue,
        int.MinValue, uint.MaxValue, 1L << 32, 1L << 40, long.MaxValue, long.MinValue,
    ];

    private static readonly string[] Tokens =
    [
        "0", "-1", "-0", "1.5", "2147483648", "4294967296", "99999999999999999999", "1e308", "-1e308", "NaN",
        "Infinity", "null", "~", "true", "[", "]", "{", "}", "[[[[[[[[", "\"", "'", ":", ",", "- ", "&a ", "*a",
        "!!binary ", "\t", "\0", "\n", "\\u0000", "\uFFFD", "seed99999999999_k1", "seed0_pct0.0000001", "seed0_k0",
    ];

    private readonly Random _random;

    /// <summary>A mutator whose choices follow <paramref name="seed"/>.</summary>
    public Mutator(int seed) => _random = new Random(seed);

    /// <summary>One to four stacked mutations of <paramref name="input"/>; <paramref name="pool"/> (other seeds of the
    /// same target) supplies splices.</summary>
    public byte[] Mutate(byte[] input, IReadOnlyList<byte[]> pool)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(pool);
        var data = new List<byte>(input);
        for (int n = 1 + _random.Next(4); n > 0; n--)
        {
            MutateOnce(data, pool);
            if (data.Count > MaxLength) data.RemoveRange(MaxLength, data.Count - MaxLength);
        }
        return [.. data];
    }

    private void MutateOnce(List<byte> data, IReadOnlyList<byte[]> pool)
    {
        int kind = _random.Next(10);
        if (data.Count == 0 && kind is not (3 or 8)) kind = 3;
        int at = data.Count == 0 ? 0 : _random.Next(data.Count);
        switch (kind)
        {
            case 0: data[at] ^= (byte)(1 << _random.Next(8)); break;
            case 1: data[at] = (byte)_random.Next(256); break;
            case 2: data[at] = new byte[] { 0, 0x7F, 0x80, 0xFF }[_random.Next(4)]; break;
            case 3: data.InsertRange(Math.Min(at, data.Count), RandomBytes(1 + _random.Next(16))); break;
            case 4: data.RemoveRange(at, Math.Min(1 + _random.Next(32), data.Count - at)); break;
            case 5: data.RemoveRange(at, data.Count - at); break;
            case 6: WriteInteger(data, at); break;
            case 7: Splice(data, at, pool); break;
            case 8: InsertToken(data, Math.Min(at, data.Count)); break;
            default: RepeatChunk(data, at); break;
        }
    }

    private byte[] RandomBytes(int n)
    {
        var bytes = new byte[n];
        _random.NextBytes(bytes);
        return bytes;
    }

    // Over a length or count field: 1, 2, 4 or 8 bytes, little- or big-endian.
    private void WriteInteger(List<byte> data, int at)
    {
        long value = Integers[_random.Next(Integers.Length)];
        if (_random.Next(4) == 0) value += _random.Next(-2, 3);
        int width = new[] { 1, 2, 4, 8 }[_random.Next(4)];
        Span<byte> bytes = stackalloc byte[8];
        if (_random.Next(2) == 0) BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        else BinaryPrimitives.WriteInt64BigEndian(bytes, value << (8 * (8 - width)));
        for (int i = 0; i < width && at + i < data.Count; i++) data[at + i] = bytes[i];
    }

    private void Splice(List<byte> data, int at, IReadOnlyList<byte[]> pool)
    {
        if (pool.Count == 0) return;
        var other = pool[_random.Next(pool.Count)];
        int from = other.Length == 0 ? 0 : _random.Next(other.Length);
        data.RemoveRange(at, data.Count - at);
        data.AddRange(other.AsSpan(from).ToArray());
    }

    // Text formats (YAML, JSON) are reached through tokens: a number's digits replaced, or a token put in.
    private void InsertToken(List<byte> data, int at)
    {
        byte[] token = Encoding.UTF8.GetBytes(Tokens[_random.Next(Tokens.Length)]);
        int end = at;
        while (end < data.Count && data[end] >= '0' && data[end] <= '9') end++;
        if (end > at) data.RemoveRange(at, end - at);
        data.InsertRange(at, token);
    }

    // A chunk repeated: long runs of one opcode, deep nesting, many copies of an entry.
    private void RepeatChunk(List<byte> data, int at)
    {
        int length = Math.Min(1 + _random.Next(64), data.Count - at);
        var chunk = data.GetRange(at, length);
        for (int copies = 1 + _random.Next(64); copies > 0 && data.Count + length <= MaxLength; copies--)
            data.InsertRange(at, chunk);
    }
}
