using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace MaskedSiamese.Checkpoints;

/// <summary>
/// Walks a pickle's opcodes without building any of its objects, to bound what the real unpickler will build: the
/// pickle's length, the machine's stack (with marks), its memo and the number of values pushed. It follows only
/// small strings, integers, tuples and globals, which is enough to read each tensor storage's persistent id
/// (<c>('storage', torch.FloatStorage, key, location, numel)</c>) and so learn what it will allocate. A DUP bomb
/// (one byte per pushed reference, deflated a thousandfold) is refused after <see cref="MaxStackDepth"/> opcodes.
/// </summary>
internal sealed partial class PickleScanner
{
    /// <summary>Largest pickle accepted (an official ViT-L training checkpoint's is well under 1 MB).</summary>
    public const long MaxPickleBytes = 64L << 20;

    /// <summary>Deepest stack (values and marks) accepted; <c>torch.save</c> batches at most 1000 items per
    /// mark.</summary>
    public const int MaxStackDepth = 100_000;

    /// <summary>Most memo entries accepted.</summary>
    public const int MaxMemoEntries = 1_000_000;

    /// <summary>Most values pushed over the whole pickle (each becomes an object or a container slot).</summary>
    public const long MaxValues = 2_000_000;

    private const int MaxKeptString = 256;
    private const int MaxLine = 1024;
    private static readonly object Opaque = new();

    private readonly Stream _input;
    private readonly string _path;
    private readonly List<object?> _stack = [];
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = [];
    private readonly List<StorageClaim> _storages = [];
    private long _offset;
    private long _values;

    private PickleScanner(Stream input, string path)
    {
        _input = input;
        _path = path;
    }

    /// <summary>A tensor storage the pickle refers to: its archive key, element type and element count.</summary>
    public sealed record StorageClaim(string Key, string StorageType, long Bytes);

    private sealed record Global(string Name);

    /// <summary>Scans <paramref name="pickle"/> to its STOP opcode; returns the storages it names.</summary>
    /// <exception cref="CheckpointFormatException">A bound is exceeded or the pickle is malformed.</exception>
    public static IReadOnlyList<StorageClaim> Scan(Stream pickle, string path)
    {
        var scanner = new PickleScanner(new BufferedStream(pickle, 1 << 16), path);
        while (scanner.Step()) { }
        return scanner._storages;
    }

    private CheckpointFormatException Refuse(string why) =>
        new($"{_path}: data.pkl {why} (at byte {_offset}); refused before unpickling");

    private int ReadByte()
    {
        int b = _input.ReadByte();
        if (b < 0) throw Refuse("ends before its STOP opcode");
        if (++_offset > MaxPickleBytes) throw Refuse($"is longer than {MaxPickleBytes} bytes");
        return b;
    }

    private byte[] ReadBytes(int n)
    {
        var bytes = new byte[n];
        for (int i = 0; i < n; i++) bytes[i] = (byte)ReadByte();
        return bytes;
    }

    // Skips a length-prefixed argument without allocating its claimed length.
    private void Skip(long n)
    {
        for (long i = 0; i < n; i++) ReadByte();
    }

    private long ReadLength(int width)
    {
        var b = ReadBytes(width);
        long n = width switch
        {
            1 => b[0],
            4 => BinaryPrimitives.ReadInt32LittleEndian(b),
            _ => BinaryPrimitives.ReadInt64LittleEndian(b),
        };
        return n >= 0 && n <= MaxPickleBytes ? n : throw Refuse($"has an argument length of {n}");
    }

    private string ReadLine()
    {
        var line = new StringBuilder();
        for (int b = ReadByte(); b != '\n'; b = ReadByte())
        {
            if (line.Length >= MaxLine) throw Refuse($"has a text argument longer than {MaxLine} bytes");
            line.Append((char)b);
        }
        return line.ToString();
    }

    private object ReadString(long n)
    {
        if (n > MaxKeptString)
        {
            Skip(n);
            return Opaque;
        }
        return Encoding.UTF8.GetString(ReadBytes((int)n));
    }

    private void Push(object? value)
    {
        if (++_values > MaxValues) throw Refuse($"pushes more than {MaxValues} values");
        if (_stack.Count + _marks.Count >= MaxStackDepth) throw Refuse($"grows its stack past {MaxStackDepth} entries");
        _stack.Add(value);
    }

    private object? Pop()
    {
        int floor = _marks.Count > 0 ? _marks.Peek() : 0;
        if (_stack.Count <= floor) throw Refuse("pops an empty stack");
        var top = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return top;
    }

    private object? Peek() => _stack.Count > 0 ? _stack[^1] : throw Refuse("reads an empty stack");

    private object?[] PopToMark()
    {
        if (_marks.Count == 0) throw Refuse("has no MARK to pop to");
        int mark = _marks.Pop();
        var items = _stack.GetRange(mark, _stack.Count - mark).ToArray();
        _stack.RemoveRange(mark, _stack.Count - mark);
        return items;
    }

    private void Memoize(long key)
    {
        if (!_memo.ContainsKey(key) && _memo.Count >= MaxMemoEntries)
            throw Refuse($"stores more than {MaxMemoEntries} memo entries");
        _memo[key] = Peek();
    }

    private object? Recall(long key) =>
        _memo.TryGetValue(key, out var value) ? value : throw Refuse($"reads memo entry {key}, which was never stored");

    private long ParseLine(string what)
    {
        string line = ReadLine();
        return long.TryParse(line, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v)
            ? v
            : throw Refuse($"has a {what} '{line}' that is not an integer");
    }
}
