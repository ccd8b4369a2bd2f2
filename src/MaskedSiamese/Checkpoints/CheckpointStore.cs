using MaskedSiamese.IO;

namespace MaskedSiamese.Checkpoints;

/// <summary>
/// The checkpoints of a run folder: <c>checkpoints/latest.safetensors</c> (always the newest state, rewritten
/// atomically) and <c>checkpoints/epoch-NNN.safetensors</c> at epoch ends, of which the newest
/// <see cref="Keep"/> stay.
/// </summary>
public sealed class CheckpointStore
{
    /// <summary>Creates the store under <paramref name="runFolder"/>.</summary>
    public CheckpointStore(string runFolder, int keep)
    {
        Folder = Path.Combine(runFolder, "checkpoints");
        Keep = Math.Max(1, keep);
    }

    /// <summary>The checkpoint folder.</summary>
    public string Folder { get; }

    /// <summary>How many epoch checkpoints are kept.</summary>
    public int Keep { get; }

    /// <summary>The newest state.</summary>
    public string LatestPath => Path.Combine(Folder, "latest.safetensors");

    /// <summary>Whether a latest checkpoint exists.</summary>
    public bool HasLatest => File.Exists(LatestPath);

    /// <summary>Writes <paramref name="checkpoint"/> as latest; at an epoch end also as <c>epoch-NNN</c>.</summary>
    public void Save(MsnCheckpoint checkpoint, int? completedEpoch = null)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        Directory.CreateDirectory(Folder);
        checkpoint.Save(LatestPath);
        if (completedEpoch is not { } e) return;
        string epochPath = Path.Combine(Folder, $"epoch-{e:D3}.safetensors");
        AtomicFile.Write(epochPath, s =>
        {
            using var src = File.OpenRead(LatestPath);
            src.CopyTo(s);
        });
        foreach (var old in Directory.GetFiles(Folder, "epoch-*.safetensors").Order(StringComparer.Ordinal).SkipLast(Keep))
            File.Delete(old);
    }
}
