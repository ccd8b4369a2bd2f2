namespace MaskedSiamese.Tests.Support;

/// <summary>A test of something only a 64-bit Linux process has (its alternate signal stack, /proc/stat): skipped,
/// saying why, anywhere else.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when the process is not a 64-bit Linux one.</summary>
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux() || !Environment.Is64BitProcess)
            Skip = "needs Linux (64-bit)";
    }
}
