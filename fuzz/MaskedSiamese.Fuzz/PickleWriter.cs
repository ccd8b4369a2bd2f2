using System.IO.Compression;
using System.Text;
using static TorchSharp.torch;

namespace MaskedSiamese.Fuzz;

/// <summary>
/// Writes a small <c>torch.save</c> zip (protocol 2) the way PyTorch lays one out: a dict of strings, integers,
/// floats, nested dicts and tensors, each tensor a <c>torch._utils._rebuild_tensor_v2</c> call on a persistent
/// storage id <c>('storage', torch.FloatStorage, key, 'cpu', numel)</c> whose bytes are the zip entry
/// <c>archive/data/KEY</c>. Written here rather than with PyBridge's pickler, which is internal, so that the seeds
/// are made by code and need no Python.
/// </summary>
public sealed class PickleWriter
{
    private readonly MemoryStream _pickle = new();
    private readonly List<byte[]> _storages = [];

    /// <summary>The zip bytes of <paramref name="root"/> (values: string, int, double, Tensor or a nested
    /// dict).</summary>
    public static byte[] Write(IReadOnlyList<KeyValuePair<string, object>> root)
    {
        var writer = new PickleWriter();
        writer._pickle.Write([0x80, 2]);
        writer.WriteDict(root);
        writer._pickle.WriteByte((byte)'.');
        return writer.Zip();
    }

    private byte[] Zip()
    {
        using var bytes = new MemoryStream();
        using (var zip = new ZipArchive(bytes, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var entry = zip.CreateEntry("archive/data.pkl", CompressionLevel.Optimal).Open())
                entry.Write(_pickle.ToArray());
            using (var entry = zip.CreateEntry("archive/version", CompressionLevel.NoCompression).Open())
                entry.Write("3\n"u8);
            for (int i = 0; i < _storages.Count; i++)
                using (var entry = zip.CreateEntry($"archive/data/{i}", CompressionLevel.Optimal).Open())
                    entry.Write(_storages[i]);
        }
        return bytes.ToArray();
    }

    private void Op(char c) => _pickle.WriteByte((byte)c);

    private void Text(string s)
    {
        var b = Encoding.UTF8.GetBytes(s);
        Op('X');
        _pickle.Write(BitConverter.GetBytes(b.Length));
        _pickle.Write(b);
    }

    private void Int(long v)
    {
        Op('J');
        _pickle.Write(BitConverter.GetBytes(checked((int)v)));
    }

    private void Global(string module, string name) => _pickle.Write(Encoding.ASCII.GetBytes($"c{module}\n{name}\n"));

    private void WriteDict(IReadOnlyList<KeyValuePair<string, object>> dict)
    {
        Op('}');
        Op('(');
        foreach (var (key, value) in dict)
        {
            Text(key);
            WriteValue(value);
        }
        Op('u');
    }

    private void WriteValue(object value)
    {
        switch (value)
        {
            case string s: Text(s); break;
            case int i: Int(i); break;
            case double d:
                Op('G');
                _pickle.Write(BitConverter.GetBytes(BitConverter.DoubleToInt64Bits(d)).Reverse().ToArray());
                break;
            case Tensor t: WriteTensor(t); break;
            case IReadOnlyList<KeyValuePair<string, object>> d: WriteDict(d); break;
            default: throw new ArgumentException($"cannot pickle a {value.GetType().Name}", nameof(value));
        }
    }

    private void WriteTensor(Tensor tensor)
    {
        // Integer buffers (BatchNorm's num_batches_tracked) keep their type, as torch.save does.
        bool integer = tensor.dtype == ScalarType.Int64;
        using var t = tensor.detach().contiguous().to(integer ? ScalarType.Int64 : ScalarType.Float32);
        Global("torch._utils", "_rebuild_tensor_v2");
        Op('(');
        Op('(');
        Text("storage");
        Global("torch", integer ? "LongStorage" : "FloatStorage");
        Text(_storages.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Text("cpu");
        Int(t.numel());
        Op('t');
        Op('Q');
        _storages.Add(t.bytes.ToArray());
        Int(0);
        WriteTuple(t.shape);
        WriteTuple(t.stride());
        _pickle.WriteByte(0x89);   // NEWFALSE: requires_grad
        Global("collections", "OrderedDict");
        Op(')');
        Op('R');
        Op('t');
        Op('R');
    }

    private void WriteTuple(long[] values)
    {
        Op('(');
        foreach (long v in values) Int(v);
        Op('t');
    }
}
