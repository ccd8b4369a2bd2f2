using System.IO.Compression;
using System.Text;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Diagnostics;
using MaskedSiamese.Tests.Support;

namespace MaskedSiamese.Tests.Checkpoints;

/// <summary>
/// A <c>.pth.tar</c> whose zero-size tensors claim a huge encoder is refused from its keys and shapes, before any model
/// of the claimed size exists: the importer once built one to compare against (a 3 KB file claiming width 4096, hidden
/// 16384 and depth 4 reached 3.2 GB before "missing key 'cls_token'").
/// </summary>
[Collection(ProcessWideTestGroup.Name)]   // measures the process's peak resident memory
public sealed class ImportClaimsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-import-claims-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string, string> Claims() => new()
    {
        // No cls_token: the first key the architecture needs and the file lacks.
        { "no-cls", "missing key 'cls_token'" },
        // Every key, each with a zero-size dimension: the first in the architecture's order is named.
        { "zero-size", "key 'cls_token' has shape [1,1,0], the architecture claims [1,1,4096]" },
    };

    [Theory]
    [MemberData(nameof(Claims))]
    public void Zero_size_tensors_claiming_a_4096_wide_encoder_are_refused_without_building_it(string variant,
        string expected)
    {
        string path = HugeClaim(variant);
        Assert.True(new FileInfo(path).Length < 16 << 10, "the file should be a few kilobytes");
        Assert.True(ProcessMemory.ResetPeak(), "this kernel cannot reset the peak resident size");
        long before = ProcessMemory.ResidentBytes();

        var e = Assert.Throws<CheckpointFormatException>(() => OfficialCheckpointImporter.Import(path, numHeads: 16));

        long grown = ProcessMemory.PeakResidentBytes() - before;
        Assert.True(e.Message.Contains(expected, StringComparison.Ordinal), e.Message);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.True(grown < 200L << 20, $"peak resident memory grew by {grown >> 20} MB");
    }

    // A training checkpoint's target_encoder of a ViT D 4096, MLP 16384, depth 4 at 224 px / patch 16, every tensor
    // with a zero-size dimension, all on one empty storage.
    private string HugeClaim(string variant)
    {
        const long d = 4096, hidden = 16384;
        var tensors = new List<(string Key, long[] Shape)>
        {
            ("pos_embed", [1, 197, 0]),
            ("patch_embed.proj.weight", [d, 0, 16, 16]),
            ("patch_embed.proj.bias", [0]),
            ("norm.weight", [0]),
            ("norm.bias", [0]),
        };
        if (variant != "no-cls") tensors.Add(("cls_token", [1, 1, 0]));
        for (int i = 0; i < 4; i++)
            foreach (var (name, shape) in new (string, long[])[]
            {
                ("norm1.weight", [0]), ("norm1.bias", [0]), ("attn.qkv.weight", [3 * d, 0]), ("attn.qkv.bias", [0]),
                ("attn.proj.weight", [d, 0]), ("attn.proj.bias", [0]), ("norm2.weight", [0]), ("norm2.bias", [0]),
                ("mlp.fc1.weight", [hidden, 0]), ("mlp.fc1.bias", [0]), ("mlp.fc2.weight", [d, 0]),
                ("mlp.fc2.bias", [0]),
            })
                tensors.Add(($"blocks.{i}.{name}", shape));
        return Archive($"{variant}.pth.tar", Pickle(tensors));
    }

    private string Archive(string name, byte[] pickle)
    {
        string path = Path.Combine(_dir, name);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using (var s = zip.CreateEntry("archive/data.pkl").Open()) s.Write(pickle);
        zip.CreateEntry("archive/data/0").Open().Dispose();   // the one storage: empty
        return path;
    }

    // {'target_encoder': {key: _rebuild_tensor_v2(storage '0', 0, shape, strides, False, OrderedDict()), ...}}
    private static byte[] Pickle(List<(string Key, long[] Shape)> tensors)
    {
        var p = new List<byte> { 0x80, 2, (byte)'}', (byte)'(' };
        Text(p, "target_encoder");
        p.AddRange("}("u8.ToArray());
        foreach (var (key, shape) in tensors)
        {
            Text(p, key);
            p.AddRange("ctorch._utils\n_rebuild_tensor_v2\n(("u8.ToArray());
            Text(p, "storage");
            p.AddRange("ctorch\nFloatStorage\n"u8.ToArray());
            Text(p, "0");
            Text(p, "cpu");
            Int(p, 0);
            p.AddRange("tQ"u8.ToArray());
            Int(p, 0);
            Tuple(p, shape);
            Tuple(p, Strides(shape));
            p.Add(0x89);   // NEWFALSE: requires_grad
            p.AddRange("ccollections\nOrderedDict\n)RtR"u8.ToArray());
        }
        p.AddRange("uu."u8.ToArray());
        return [.. p];
    }

    private static long[] Strides(long[] shape)
    {
        var strides = new long[shape.Length];
        long s = 1;
        for (int i = shape.Length - 1; i >= 0; i--) { strides[i] = s; s *= Math.Max(1, shape[i]); }
        return strides;
    }

    private static void Tuple(List<byte> p, long[] values)
    {
        p.Add((byte)'(');
        foreach (long v in values) Int(p, v);
        p.Add((byte)'t');
    }

    private static void Int(List<byte> p, long v)
    {
        p.Add((byte)'J');
        p.AddRange(BitConverter.GetBytes((int)v));
    }

    private static void Text(List<byte> p, string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        p.Add((byte)'X');
        p.AddRange(BitConverter.GetBytes(bytes.Length));
        p.AddRange(bytes);
    }
}
