using System.Globalization;
using System.Runtime.InteropServices;

namespace MaskedSiamese.Features;

/// <summary>
/// While alive, lets glibc keep large freed blocks in the heap instead of returning each one to the kernel. The launch
/// scripts set <c>MALLOC_MMAP_THRESHOLD_=131072</c> so that training's RSS stays flat; for inference, whose
/// activations have the same sizes batch after batch, that setting makes every tensor of a batch a fresh mmap and
/// page faults (feature extraction ran about 1.5× slower with it on 2 cores). Only acts on Linux when that variable
/// is set, and restores it (then trims the heap) on dispose.
/// </summary>
internal sealed partial class NativeHeapTuning : IDisposable
{
    private const int MTrimThreshold = -1;
    private const int MMmapThreshold = -3;
    private const int DefaultTrimThreshold = 128 * 1024;
    private const int InferenceThreshold = 256 << 20;
    private readonly int? _restore;

    private NativeHeapTuning(int? restore) => _restore = restore;

    /// <summary>Raises the thresholds when the environment pinned them low; a no-op otherwise.</summary>
    public static NativeHeapTuning ForInference()
    {
        if (!OperatingSystem.IsLinux() ||
            !int.TryParse(Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_"), NumberStyles.None,
                CultureInfo.InvariantCulture, out int pinned))
            return new NativeHeapTuning(null);
        try
        {
            if (mallopt(MMmapThreshold, InferenceThreshold) == 1 && mallopt(MTrimThreshold, InferenceThreshold) == 1)
                return new NativeHeapTuning(pinned);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // not glibc: leave the allocator alone
        }
        return new NativeHeapTuning(null);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_restore is not { } pinned) return;
        _ = mallopt(MMmapThreshold, pinned);
        _ = mallopt(MTrimThreshold, DefaultTrimThreshold);
        _ = malloc_trim(0);
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int mallopt(int param, int value);

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int malloc_trim(nuint pad);
}
