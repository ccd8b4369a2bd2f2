using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MaskedSiamese.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Checkpoints;

/// <summary>
/// Reads and writes the safetensors format (8-byte little-endian header length, a JSON header with dtype, shape and
/// data offsets per tensor plus an optional <c>__metadata__</c> map of strings, then the raw little-endian bytes).
/// Nothing in the file is executed; every offset and size is checked before use. Tensors are created on the CPU.
/// </summary>
public sealed class SafetensorsFile
{
    private const long MaxHeaderBytes = 100L << 20;
    private readonly Dictionary<string, Tensor> _tensors;

    private SafetensorsFile(string path, Dictionary<string, Tensor> tensors, List<string> names,
        Dictionary<string, string> metadata)
    {
        Path = path;
        _tensors = tensors;
        Names = names;
        Metadata = metadata;
    }

    /// <summary>The file this was read from.</summary>
    public string Path { get; }

    /// <summary>Tensor names in file order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The <c>__metadata__</c> strings (empty when the file has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensors by name (CPU, owned by this object's caller: dispose them when done).</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors => _tensors;

    /// <summary>The tensor called <paramref name="name"/>; a one-line error naming the file when it is
    /// absent.</summary>
    public Tensor this[string name] => _tensors.TryGetValue(name, out var t)
        ? t
        : throw new CheckpointFormatException($"{Path}: no tensor named '{name}'");

    /// <summary>Whether the file holds a tensor called <paramref name="name"/>.</summary>
    public bool Contains(string name) => _tensors.ContainsKey(name);

    /// <summary>Reads only the header: names, dtypes and shapes, and the metadata.</summary>
    public static (IReadOnlyList<(string Name, string Dtype, long[] Shape)> Entries,
        IReadOnlyDictionary<string, string> Metadata)
        ReadHeader(string path)
    {
        using var stream = OpenChecked(path, out long length);
        var (entries, metadata, _) = ParseHeader(path, stream, length);
        return (entries.Select(e => (e.Name, e.Dtype, e.Shape)).ToList(), metadata);
    }

    /// <summary>Reads the whole file.</summary>
    public static SafetensorsFile Read(string path)
    {
        using var stream = OpenChecked(path, out long length);
        return Read(path, stream, length);
    }

    /// <summary>Reads a whole file already in memory (<paramref name="content"/>); <paramref name="path"/> names it
    /// in errors.</summary>
    public static SafetensorsFile Read(string path, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var stream = new MemoryStream(content, writable: false);
        return Read(path, stream, content.Length);
    }

    private static SafetensorsFile Read(string path, Stream stream, long length)
    {
        var (entries, metadata, dataStart) = ParseHeader(path, stream, length);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var e in entries)
            {
                var bytes = new byte[e.End - e.Begin];
                stream.Position = dataStart + e.Begin;
                stream.ReadExactly(bytes);
                var t = torch.empty(e.Shape, e.ScalarType);
                if (bytes.Length > 0) t.bytes = bytes;
                tensors[e.Name] = t;
            }
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
        return new SafetensorsFile(path, tensors, entries.Select(e => e.Name).ToList(), metadata);
    }

    /// <summary>
    /// Writes tensors (any device; copied to the CPU, made contiguous) and optional metadata atomically.
    /// </summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var meta = new JsonObject();
            foreach (var (k, v) in metadata) meta[k] = v;
            header["__metadata__"] = meta;
        }
        // The header needs only shapes and dtypes; the bytes are then streamed tensor by tensor, so writing a
        // checkpoint costs no second copy of the weights in memory.
        var list = tensors.ToList();
        long offset = 0;
        foreach (var (name, tensor) in list)
        {
            if (name == "__metadata__") throw new ArgumentException("'__metadata__' is reserved", nameof(tensors));
            long size = tensor.numel() * ElementSize(tensor.dtype);
            var shape = new JsonArray();
            foreach (long d in tensor.shape) shape.Add(d);
            header[name] = new JsonObject
            {
                ["dtype"] = DtypeName(tensor.dtype),
                ["shape"] = shape,
                ["data_offsets"] = new JsonArray(offset, offset + size),
            };
            offset += size;
        }
        byte[] json = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (json.Length + 7) / 8 * 8;   // the data section starts 8-byte aligned
        var headerBytes = new byte[padded];
        Array.Fill(headerBytes, (byte)' ');
        json.CopyTo(headerBytes, 0);
        AtomicFile.Write(path, s =>
        {
            s.Write(BitConverter.GetBytes((ulong)padded));
            s.Write(headerBytes);
            foreach (var (_, tensor) in list)
            {
                using var scope = NewDisposeScope();   // detach() and cpu() make wrappers of their own
                s.Write(tensor.detach().cpu().contiguous().bytes);
            }
        });
    }

    private sealed record Entry(string Name, string Dtype, ScalarType ScalarType, long[] Shape, long Begin, long End);

    private static FileStream OpenChecked(string path, out long length)
    {
        if (!File.Exists(path)) throw new CheckpointFormatException($"{path}: file not found");
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        length = stream.Length;
        return stream;
    }

    private static (List<Entry>, Dictionary<string, string>, long) ParseHeader(string path, Stream stream, long length)
    {
        if (length < 8) throw new CheckpointFormatException($"{path}: not a safetensors file (only {length} bytes)");
        Span<byte> lenBytes = stackalloc byte[8];
        stream.ReadExactly(lenBytes);
        ulong headerLen = BitConverter.ToUInt64(lenBytes);
        if (headerLen < 2 || headerLen > (ulong)MaxHeaderBytes || (long)headerLen > length - 8)
            throw new CheckpointFormatException($"{path}: not a safetensors file (header length {headerLen} invalid " +
                $"for a {length}-byte file)");
        var headerBytes = new byte[headerLen];
        stream.ReadExactly(headerBytes);
        // System.Text.Json parses invalid UTF-8 inside strings and throws InvalidOperationException only when such a
        // string is read, deep in the loops below: check the whole header once here instead.
        if (!System.Text.Unicode.Utf8.IsValid(headerBytes))
            throw new CheckpointFormatException($"{path}: not a safetensors file (the header is not valid UTF-8)");
        JsonObject header;
        try
        {
            // Duplicate names would survive parsing and throw ArgumentException when the object is enumerated.
            header = JsonNode.Parse(headerBytes,
                documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) as JsonObject
                ?? throw new CheckpointFormatException($"{path}: safetensors header is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException($"{path}: not a safetensors file (header is not JSON: {e.Message})", e);
        }
        long dataStart = 8 + (long)headerLen, dataLen = length - dataStart;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var entries = new List<Entry>();
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__")
            {
                if (node is JsonObject m)
                    foreach (var (k, v) in m)
                        metadata[k] = v?.GetValueKind() == JsonValueKind.String
                            ? v.GetValue<string>()
                            : v?.ToJsonString() ?? "";
                continue;
            }
            try
            {
                var obj = node as JsonObject ?? throw new FormatException("entry is not an object");
                string dtype = obj["dtype"]!.GetValue<string>();
                long[] shape = obj["shape"]!.AsArray().Select(x => x!.GetValue<long>()).ToArray();
                var offs = obj["data_offsets"]!.AsArray();
                long begin = offs[0]!.GetValue<long>(), end = offs[1]!.GetValue<long>();
                var st = ScalarTypeOf(dtype) ?? throw new FormatException($"unsupported dtype {dtype}");
                long numel = shape.Aggregate(1L, (a, d) =>
                    d < 0 ? throw new FormatException("negative dimension") : checked(a * d));
                if (begin < 0 || end < begin || end > dataLen)
                    throw new FormatException($"data offsets [{begin},{end}) outside the {dataLen}-byte data section " +
                        $"(truncated file?)");
                if (end - begin != checked(numel * ElementSize(st)))
                    throw new FormatException($"{end - begin} bytes for shape [{string.Join(",", shape)}] of {dtype}");
                entries.Add(new Entry(name, dtype, st, shape, begin, end));
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException or NullReferenceException
                or OverflowException or ArgumentException)
            {
                throw new CheckpointFormatException($"{path}: tensor '{name}': {e.Message}", e);
            }
        }
        entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        CheckContiguous(path, entries, dataLen);
        return (entries, metadata, dataStart);
    }

    /// <summary>The format requires the tensors to tile the data section exactly: no overlap (which would let a small
    /// file claim many copies of the same bytes) and no holes.</summary>
    private static void CheckContiguous(string path, List<Entry> entries, long dataLength)
    {
        long next = 0;
        foreach (var e in entries)
        {
            if (e.Begin != next)
                throw new CheckpointFormatException(
                    $"{path}: tensor '{e.Name}' starts at byte {e.Begin} of the data section, expected {next} " +
                    $"(overlapping or non-contiguous offsets)");
            next = e.End;
        }
        if (next != dataLength)
            throw new CheckpointFormatException($"{path}: the tensors cover {next} of the {dataLength} bytes " +
                $"of the data section");
    }

    private static ScalarType? ScalarTypeOf(string dtype) => dtype switch
    {
        "F32" => ScalarType.Float32,
        "F64" => ScalarType.Float64,
        "F16" => ScalarType.Float16,
        "BF16" => ScalarType.BFloat16,
        "I64" => ScalarType.Int64,
        "I32" => ScalarType.Int32,
        "I16" => ScalarType.Int16,
        "I8" => ScalarType.Int8,
        "U8" => ScalarType.Byte,
        "BOOL" => ScalarType.Bool,
        _ => null,
    };

    private static string DtypeName(ScalarType t) => t switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.Float64 => "F64",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new NotSupportedException($"dtype {t} cannot be written to safetensors"),
    };

    private static long ElementSize(ScalarType t) => t switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        _ => 1,
    };
}
