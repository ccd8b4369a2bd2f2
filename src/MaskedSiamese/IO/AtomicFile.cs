using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace MaskedSiamese.IO;

/// <summary>
/// Writes a file so that readers only ever see the old or the complete new content: the bytes go to a temporary file
/// in the same folder, are flushed to disk, the temporary file is renamed over the target, and the folder itself is
/// flushed so that the rename survives a power loss. Only regular files are written (see <see cref="Target"/>).
/// </summary>
public static partial class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> atomically with the bytes that <paramref name="write"/>
    /// produces.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        string full = Target(Path.GetFullPath(path));
        string dir = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(dir);
        RemoveStaleTemporaries(dir, Path.GetFileName(full));   // a write killed before its rename left one
        string tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
            SyncDirectory(dir);
        }
        catch (UnauthorizedAccessException e)
        {
            TryDelete(tmp);
            throw new UnauthorizedAccessException($"{full}: cannot be written (no permission in {dir})", e);
        }
        catch (IOException e) when (e.GetType() == typeof(IOException))
        {
            // A full disk, a read-only mount: said of the file asked for, not of the temporary one.
            TryDelete(tmp);
            int cut = e.Message.IndexOf(" : '", StringComparison.Ordinal);
            throw new IOException($"{full}: cannot be written ({(cut > 0 ? e.Message[..cut] : e.Message)})", e);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
    }

    /// <summary>
    /// The regular file a write to <paramref name="path"/> replaces: the path itself, or, for a symbolic link, the file
    /// it leads to (the link stays a link). A folder, device, FIFO or socket, or a link to one or to nowhere, is
    /// refused: the rename would put a regular file in its place (as root, <c>-o /dev/null</c> would replace a
    /// system file).
    /// </summary>
    /// <exception cref="OutputPathException">The path names something other than a regular file.</exception>
    public static string Target(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            var final = info.ResolveLinkTarget(returnFinalTarget: true);
            if (final is null || (!final.Exists && !Directory.Exists(Path.GetDirectoryName(final.FullName))))
                throw new OutputPathException($"{path}: a link that leads nowhere; msn writes only regular files");
            path = final.FullName;
            info = new FileInfo(path);
        }
        if (Directory.Exists(path)) throw new OutputPathException($"{path}: is a folder; name a file");
        if (info.Exists && !FileKind.IsRegularFile(path))
            throw new OutputPathException($"{path}: not a regular file (a device, FIFO or socket); msn writes " +
                $"only regular files");
        return path;
    }

    /// <summary>
    /// Checks now that <paramref name="path"/> can be written later (a regular file or nothing, in a folder where a
    /// file can be created), so that a long job does not find out at its end.
    /// </summary>
    /// <exception cref="OutputPathException">Not a regular file (see <see cref="Target"/>).</exception>
    /// <exception cref="IOException">The folder cannot be made or written.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder cannot be written.</exception>
    public static void RequireWritable(string path)
    {
        string full = Target(Path.GetFullPath(path));
        string dir = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(dir);
        string probe = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1,
                FileOptions.DeleteOnClose)) { }
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UnauthorizedAccessException($"{full}: cannot be written (no permission in {dir})", e);
        }
    }

    /// <summary>Writes text atomically (UTF-8, no byte-order mark).</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, s =>
        {
            var bytes = new System.Text.UTF8Encoding(false).GetBytes(text);
            s.Write(bytes, 0, bytes.Length);
        });

    /// <summary>Deletes the temporary files that writes of processes no longer running left in
    /// <paramref name="folder"/> (a killed write leaves its temporary file behind). Returns how many went.</summary>
    public static int RemoveStaleTemporaries(string folder) => RemoveStaleTemporaries(folder, null);

    private static int RemoveStaleTemporaries(string folder, string? target)
    {
        if (!Directory.Exists(folder)) return 0;
        int removed = 0;
        foreach (var path in Directory.EnumerateFiles(folder, target is null ? ".*.tmp" : $".{target}.*.tmp"))
        {
            var match = TemporaryName().Match(Path.GetFileName(path));
            if (!match.Success
                || !int.TryParse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture, out int pid)
                || IsRunning(pid)) continue;
            TryDelete(path);
            removed++;
        }
        return removed;
    }

    [GeneratedRegex(@"^\..+\.(\d{1,10})\.[0-9a-f]{32}\.tmp$")]
    private static partial Regex TemporaryName();

    private static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void SyncDirectory(string dir)
    {
        if (!OperatingSystem.IsLinux()) return;
        int fd = Open(dir, 0 /* O_RDONLY */);
        if (fd < 0) return;   // best effort: the file itself is already on disk
        _ = FSync(fd);
        _ = Close(fd);
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync")]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
