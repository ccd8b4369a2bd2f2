using System.IO.Compression;

namespace MaskedSiamese.Checkpoints;

/// <summary>
/// Bounds what unpickling a <c>torch.save</c> zip may allocate, before it starts: the pickle is scanned by
/// <see cref="PickleScanner"/>, every storage it names must exist and hold at least the bytes claimed, and no entry
/// may claim to inflate beyond what deflate can produce from its compressed bytes.
/// </summary>
internal static class TorchArchiveBounds
{
    // Deflate cannot expand one input byte to more than ~1032 output bytes; the slack covers tiny entries.
    private const long MaxDeflateRatio = 1032;
    private const long Slack = 4096;

    // A storage shared by two tensors is listed twice and, by the unpickler we use, read twice: allow that much.
    private const long MaxRereadFactor = 2;

    /// <summary>Checks <paramref name="zip"/> (the file <paramref name="path"/>).</summary>
    /// <exception cref="CheckpointFormatException">A bound is exceeded; the message names the file and the
    /// bound.</exception>
    public static void Check(ZipArchive zip, string path)
    {
        // The same lookups as TorchSharp.PyBridge's unpickler, so that the entries checked are the ones it reads.
        var pickle = zip.Entries.FirstOrDefault(e => e.Name.EndsWith("data.pkl", StringComparison.Ordinal))
            ?? throw new CheckpointFormatException($"{path}: a zip file without data.pkl: not a PyTorch checkpoint");
        CheckInflation(pickle, path);
        if (pickle.Length > PickleScanner.MaxPickleBytes)
            throw new CheckpointFormatException(
                $"{path}: data.pkl claims {pickle.Length} bytes, more than the " +
                $"{PickleScanner.MaxPickleBytes} accepted");
        IReadOnlyList<PickleScanner.StorageClaim> claims;
        using (var stream = pickle.Open()) claims = PickleScanner.Scan(stream, path);

        long claimed = 0, present = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var claim in claims)
        {
            var entry = zip.Entries.FirstOrDefault(f =>
                f.FullName.EndsWith($"data/{claim.Key}", StringComparison.Ordinal))
                ?? throw new CheckpointFormatException($"{path}: storage '{claim.Key}' is named by " +
                    $"data.pkl but absent");
            CheckInflation(entry, path);
            if (claim.Bytes > entry.Length)
                throw new CheckpointFormatException(
                    $"{path}: storage '{claim.Key}' claims {claim.Bytes} bytes of {claim.StorageType} but holds " +
                    $"{entry.Length}");
            claimed += claim.Bytes;
            if (seen.Add(claim.Key)) present += entry.Length;
        }
        if (claimed > MaxRereadFactor * present + Slack)
            throw new CheckpointFormatException(
                $"{path}: data.pkl reads its storages' {present} bytes as {claimed} (storages listed over and over)");
    }

    private static void CheckInflation(ZipArchiveEntry entry, string path)
    {
        if (entry.Length < 0 || entry.Length > entry.CompressedLength * MaxDeflateRatio + Slack)
            throw new CheckpointFormatException(
                $"{path}: zip entry {entry.FullName} claims {entry.Length} bytes from {entry.CompressedLength} " +
                $"compressed ones (a compression bomb?)");
    }
}
