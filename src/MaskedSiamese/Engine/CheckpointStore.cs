using System.Globalization;
using MaskedSiamese.IO;

namespace MaskedSiamese.Engine;

/// <summary>
/// The checkpoints of a run folder: <c>checkpoints/{tag}-latest.safetensors</c> (always the newest state, rewritten
/// atomically) and <c>checkpoints/{tag}-ep{NNN}.safetensors</c> at epoch ends, of which the newest
/// <see cref="Keep"/> stay.
/// </summary>
public sealed class CheckpointStore
{
    /// <summary>Creates the store under <paramref name="runFolder"/>.</summary>
    public CheckpointStore(string runFolder, string tag, int keep)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        Folder = Path.Combine(runFolder, "checkpoints");
        Tag = tag;
        Keep = Math.Max(1, keep);
    }

    /// <summary>The checkpoint folder.</summary>
    public string Folder { get; }

    /// <summary>The prefix of every file name.</summary>
    public string Tag { get; }

    /// <summary>How many epoch checkpoints are kept.</summary>
    public int Keep { get; }

    /// <summary>The newest state.</summary>
    public string LatestPath => Path.Combine(Folder, $"{Tag}-latest.safetensors");

    /// <summary>Whether a latest checkpoint exists.</summary>
    public bool HasLatest => File.Exists(LatestPath);

    /// <summary>The checkpoint of the end of epoch <paramref name="epoch"/> (1-based).</summary>
    public string EpochPath(int epoch) =>
        Path.Combine(Folder, string.Create(CultureInfo.InvariantCulture, $"{Tag}-ep{epoch:D3}.safetensors"));

    /// <summary>Writes the latest checkpoint with <paramref name="write"/> (which must write its path atomically); at
    /// an epoch end also copies it to the epoch's file and deletes the oldest epoch files beyond
    /// <see cref="Keep"/>.</summary>
    public void Save(Action<string> write, int? completedEpoch = null)
    {
        ArgumentNullException.ThrowIfNull(write);
        Directory.CreateDirectory(Folder);
        write(LatestPath);
        if (completedEpoch is not { } e) return;
        AtomicFile.Write(EpochPath(e), s =>
        {
            using var src = File.OpenRead(LatestPath);
            src.CopyTo(s);
        });
        foreach (var old in EpochFiles().OrderBy(f => f.Epoch).SkipLast(Keep)) File.Delete(old.Path);
    }

    /// <summary>Deletes every checkpoint of this tag (to start a run over).</summary>
    public void DeleteAll()
    {
        if (!Directory.Exists(Folder)) return;
        foreach (var (path, _) in EpochFiles().ToList()) File.Delete(path);
        File.Delete(LatestPath);
    }

    /// <summary>The epoch checkpoints present, ordered by nothing in particular.</summary>
    private IEnumerable<(string Path, int Epoch)> EpochFiles()
    {
        string prefix = Tag + "-ep";
        foreach (var path in Directory.GetFiles(Folder, prefix + "*.safetensors"))
        {
            string digits = Path.GetFileNameWithoutExtension(path)[prefix.Length..];
            // Numeric order: by name, epoch 1000 would sort before 999.
            if (int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int epoch))
                yield return (path, epoch);
        }
    }
}
