using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Tests.Support;

namespace MaskedSiamese.Tests.Checkpoints;

/// <summary>
/// Issue 16, item 5: a <c>.pth.tar</c> whose pickle is a DUP bomb, or which claims storages larger than the archive
/// holds, is refused with one line before the unpickler allocates what it asks for.
/// </summary>
public sealed class PickleBoundsTests : IDisposable
{
    private const long AllocationBound = 32L << 20;
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-pickle-bounds-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Archive(string name, byte[] pickle, params (string Key, byte[] Data)[] storages)
    {
        string path = Path.Combine(_dir, name);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using (var s = zip.CreateEntry("archive/data.pkl", CompressionLevel.Optimal).Open()) s.Write(pickle);
        foreach (var (key, data) in storages)
            using (var s = zip.CreateEntry($"archive/data/{key}", CompressionLevel.NoCompression).Open()) s.Write(data);
        return path;
    }

    private static void Text(List<byte> p, string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        p.Add((byte)'X');
        p.AddRange(BitConverter.GetBytes(bytes.Length));
        p.AddRange(bytes);
    }

    private static CheckpointFormatException Refused(string path, out long allocated)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<CheckpointFormatException>(() => OfficialCheckpointImporter.Import(path));
        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        return e;
    }

    [Fact]
    public void A_deflated_pickle_of_repeated_DUP_opcodes_is_refused_before_the_stack_grows()
    {
        // PROTO 2, EMPTY_DICT, 16 M × DUP, STOP: 16 MB that deflate to ~16 kB and would push 16 M references.
        var pickle = new byte[16 << 20];
        Array.Fill(pickle, (byte)'2');
        (pickle[0], pickle[1], pickle[2], pickle[^1]) = (0x80, 2, (byte)'}', (byte)'.');
        string path = Archive("dup.pth.tar", pickle);

        var e = Refused(path, out long allocated);

        Assert.Contains($"stack past {PickleScanner.MaxStackDepth}", e.Message, StringComparison.Ordinal);
        Assert.True(allocated < AllocationBound, $"{allocated} bytes allocated");
    }

    [Fact]
    public void A_storage_claiming_more_elements_than_its_entry_holds_is_refused_before_allocating_them()
    {
        // ('storage', torch.FloatStorage, '0', 'cpu', 100 M) as a persistent id: 400 MB claimed, 16 bytes present.
        var p = new List<byte> { 0x80, 2, (byte)'(' };
        Text(p, "storage");
        p.AddRange("ctorch\nFloatStorage\n"u8.ToArray());
        Text(p, "0");
        Text(p, "cpu");
        p.Add((byte)'J');
        p.AddRange(BitConverter.GetBytes(100_000_000));
        p.AddRange("tQ."u8.ToArray());
        string path = Archive("claims.pth.tar", [.. p], ("0", new byte[16]));

        var e = Refused(path, out long allocated);

        Assert.Contains("storage '0' claims 400000000 bytes of torch.FloatStorage but holds 16", e.Message,
            StringComparison.Ordinal);
        Assert.True(allocated < AllocationBound, $"{allocated} bytes allocated");
    }

    [Fact]
    public void Memo_and_value_bounds_refuse_a_pickle_that_memoizes_without_end()
    {
        // PROTO 2, NONE, then MEMOIZE over and over: each stores one more memo entry.
        var pickle = new byte[2_000_000];
        Array.Fill(pickle, (byte)0x94);
        (pickle[0], pickle[1], pickle[2], pickle[^1]) = (0x80, 4, (byte)'N', (byte)'.');
        string path = Archive("memo.pth.tar", pickle);

        var e = Refused(path, out _);

        Assert.Contains($"more than {PickleScanner.MaxMemoEntries} memo entries", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_official_checkpoints_pass_the_bounds()
    {
        foreach (var suffix in new[] { "_release.pth.tar", "_training.pth.tar" })
        {
            string path = OfficialFixtures.First(suffix);
            using var zip = ZipFile.OpenRead(path);
            TorchArchiveBounds.Check(zip, path);
            using var pickle = zip.Entries.First(e => e.Name == "data.pkl").Open();
            Assert.NotEmpty(PickleScanner.Scan(pickle, path));
        }
    }
}
