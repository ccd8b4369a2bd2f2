using System.IO.Compression;

namespace MaskedSiamese.Fuzz;

/// <summary>
/// The <c>torch.save</c> zip around a pickle. AFL++ flips bytes: inside a whole zip most flips only break a CRC,
/// so the <c>pickle-data</c> target fuzzes <c>data.pkl</c> alone and this wraps it with storages to refer to.
/// </summary>
public static class TorchArchive
{
    /// <summary>Storages <c>archive/data/0</c> … of the wrapper; a pickle naming others is refused as it should
    /// be.</summary>
    public const int StorageCount = 128;

    /// <summary>Bytes of each wrapper storage: more than the seeds' largest tensor (the patch embedding, 8×3×4×4
    /// floats).</summary>
    public const int StorageBytes = 2048;

    /// <summary>Writes <c>PATH.pth.tar</c> holding the pickle at <paramref name="picklePath"/> as its
    /// <c>data.pkl</c> and zero-filled storages; returns its path.</summary>
    public static string WrapPickle(string picklePath)
    {
        string path = picklePath + ".pth.tar";
        File.Delete(path);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using (var entry = zip.CreateEntry("archive/data.pkl", CompressionLevel.Fastest).Open())
        using (var pickle = File.OpenRead(picklePath))
            pickle.CopyTo(entry);
        var zeros = new byte[StorageBytes];
        for (int i = 0; i < StorageCount; i++)
            using (var entry = zip.CreateEntry($"archive/data/{i}", CompressionLevel.Fastest).Open())
                entry.Write(zeros);
        return path;
    }

    /// <summary>The <c>data.pkl</c> of a <c>torch.save</c> zip.</summary>
    public static byte[] ExtractPickle(byte[] archive)
    {
        using var zip = new ZipArchive(new MemoryStream(archive), ZipArchiveMode.Read);
        var entry = zip.Entries.First(e => e.Name == "data.pkl");
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
