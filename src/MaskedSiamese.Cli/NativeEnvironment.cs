using System.Runtime.InteropServices;

namespace MaskedSiamese.Cli;

/// <summary>Process settings that native libraries read from the C environment at initialisation.</summary>
internal static partial class NativeEnvironment
{
    /// <summary>
    /// Makes OpenMP threads sleep instead of spin when idle (unless the user chose otherwise): spinning threads steal
    /// the data loader's core on small machines and made steps 2–4× slower here. Must run before the first TorchSharp
    /// call; .NET's own Environment.SetEnvironmentVariable does not reach native getenv on Unix, hence setenv.
    /// </summary>
    public static void PreferPassiveOpenMp()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is not null) return;
        _ = SetEnv("OMP_WAIT_POLICY", "PASSIVE", 0);
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
