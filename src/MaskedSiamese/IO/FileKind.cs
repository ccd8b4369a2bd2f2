using System.Runtime.InteropServices;

namespace MaskedSiamese.IO;

/// <summary>
/// Whether a path names a regular file (after following symbolic links). .NET's file APIs do not tell a FIFO, socket
/// or device from a regular file, and opening a FIFO for reading blocks until a writer appears: a FIFO named
/// <c>x.png</c> would hang an image folder scan forever. So the type comes from <c>stat</c>.
/// </summary>
public static partial class FileKind
{
    private const int TypeMask = 0xF000;   // S_IFMT
    private const int RegularType = 0x8000;  // S_IFREG

    /// <summary>
    /// True when <paramref name="path"/> exists and is a regular file (a symbolic link to one counts); false for
    /// directories, FIFOs, sockets, devices, dangling links and missing paths.
    /// </summary>
    public static bool IsRegularFile(string path)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
            return File.Exists(path);   // Windows has no FIFOs in the file namespace
        try
        {
            return StatMode(path) is { } mode && (mode & TypeMask) == RegularType;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Without the runtime's native shim, fall back to a size test: FIFOs, sockets and devices report 0 bytes.
            var info = new FileInfo(path);
            return info.Exists && info.Length > 0;
        }
    }

    private static unsafe int? StatMode(string path)
    {
        // The runtime's own stat wrapper (libSystem.Native, shipped with every .NET on Unix) fills a fixed,
        // platform-independent struct whose second int32 is st_mode; the buffer is larger than the struct on purpose.
        byte* buffer = stackalloc byte[512];
        return SystemNativeStat(path, buffer) == 0 ? *(int*)(buffer + 4) : null;
    }

    [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_Stat", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int SystemNativeStat(string path, byte* output);
}
