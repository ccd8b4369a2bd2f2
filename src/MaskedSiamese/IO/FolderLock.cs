namespace MaskedSiamese.IO;

/// <summary>
/// An exclusive claim of a folder by one process: a lock file (<see cref="FileName"/>) held open with
/// <see cref="FileShare.None"/>, which .NET takes as an OS lock (<c>flock</c> on Linux). It ends when disposed or when
/// the process dies, so a <c>kill -9</c> leaves no stale lock.
/// </summary>
public sealed class FolderLock : IDisposable
{
    /// <summary>The lock file's name inside the folder.</summary>
    public const string FileName = ".msn.lock";

    private readonly FileStream _file;

    private FolderLock(FileStream file) => _file = file;

    /// <summary>Claims <paramref name="folder"/> (created when missing); null when another process (or another claim
    /// in this one) holds it.</summary>
    public static FolderLock? TryAcquire(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Directory.CreateDirectory(folder);
        try
        {
            return new FolderLock(new FileStream(Path.Combine(folder, FileName), FileMode.OpenOrCreate,
                FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();
}
