using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace MaskedSiamese.Platform;

/// <summary>
/// Gives a thread that runs bf16 matrix products an alternate signal stack with room for the AMX tile registers.
/// .NET turns a NullReferenceException into a SIGSEGV handled on a per-thread alternate stack of 16 KiB, 12 KiB of it
/// usable. Once a thread has run AMX instructions (oneDNN's bf16 products on a CPU with <c>amx_bf16</c>), Linux
/// saves the 8 KiB tile data in each of its signal frames, and the frame alone then takes 11.7 KiB (the kernel's
/// <c>AT_MINSIGSTKSZ</c>: 11,952 bytes on the AMX host measured): the handler overflows the stack and the process
/// dies at once, without a message or a dump. On such a host any NullReferenceException caught on that thread after
/// a bf16 product (a hostile file's parser, for one) killed the process, and with it a training run or the tests.
/// </summary>
internal static partial class SignalStack
{
    /// <summary>The least usable size given: four of the kernel's own minimum frames, and never under this.</summary>
    public const long FloorBytes = 64 << 10;

    private const int AuxMinSignalStackSize = 51;   // AT_MINSIGSTKSZ (Linux 5.14+; 0 on older kernels)
    private const int DisabledFlag = 2;             // SS_DISABLE
    private const int ProtNone = 0, ProtReadWrite = 3;
    private const int MapPrivateAnonymousStack = 0x02 | 0x20 | 0x20000;   // MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK

    [ThreadStatic]
    private static bool t_ensured;

    /// <summary>The usable size a thread is given: max(<see cref="FloorBytes"/>, 4 × the kernel's minimum frame),
    /// in whole pages.</summary>
    public static long RequiredBytes
    {
        get
        {
            long kernelMinimum = OperatingSystem.IsLinux() ? (long)GetAuxiliaryValue(AuxMinSignalStackSize) : 0;
            long page = Environment.SystemPageSize;
            return (Math.Max(FloorBytes, 4 * kernelMinimum) + page - 1) / page * page;
        }
    }

    /// <summary><see cref="EnsureRoomForMatrixTiles()"/> before products in <paramref name="productType"/>: only the
    /// 16-bit types run on the tiles, so float32 and float64 skip it.</summary>
    public static void EnsureRoomForMatrixTiles(ScalarType productType)
    {
        if (productType is ScalarType.BFloat16 or ScalarType.Float16) EnsureRoomForMatrixTiles();
    }

    /// <summary>
    /// Replaces the current thread's alternate signal stack with one of <see cref="RequiredBytes"/> (plus a guard
    /// page) where it is smaller. Once per thread, then a field read: cheap enough for every bf16 cast. Threads
    /// without an alternate stack (not .NET's) handle signals on their own stacks and are left alone. The stack given
    /// stays mapped for the life of the process, and so does .NET's own (at thread exit .NET frees its stack only while
    /// it is the current one): 84 KiB per thread that ever ran bf16 products, a handful in a run.
    /// </summary>
    public static void EnsureRoomForMatrixTiles()
    {
        if (t_ensured) return;
        t_ensured = true;
        if (!OperatingSystem.IsLinux() || !Environment.Is64BitProcess) return;   // stack_t below is the 64-bit layout
        long current = CurrentSizeBytes();
        long required = RequiredBytes;
        if (current <= 0 || current >= required) return;
        Install(required);
    }

    /// <summary>The current thread's alternate stack size in bytes, guard page included; 0 when it has none (or not on
    /// Linux).</summary>
    public static unsafe long CurrentSizeBytes()
    {
        if (!OperatingSystem.IsLinux() || !Environment.Is64BitProcess) return 0;
        StackDescriptor old;
        if (SetAlternateStack(null, &old) != 0 || (old.Flags & DisabledFlag) != 0) return 0;
        return (long)old.Size;
    }

    private static unsafe void Install(long usable)
    {
        long page = Environment.SystemPageSize;
        nint mapped = Map(0, (nuint)(usable + page), ProtReadWrite, MapPrivateAnonymousStack, -1, 0);
        if (mapped == -1) return;   // out of address space: keep .NET's stack rather than fail the product
        // The lowest page faults instead of letting an overflow write over whatever lies below (as .NET's own).
        if (Protect(mapped, (nuint)page, ProtNone) != 0)
        {
            _ = Unmap(mapped, (nuint)(usable + page));
            return;
        }
        var stack = new StackDescriptor { Pointer = mapped + (nint)page, Flags = 0, Size = (nuint)usable };
        if (SetAlternateStack(&stack, null) != 0) _ = Unmap(mapped, (nuint)(usable + page));
    }

    // Linux's stack_t on 64-bit targets: void* ss_sp; int ss_flags; size_t ss_size.
    [StructLayout(LayoutKind.Sequential)]
    private struct StackDescriptor
    {
        public nint Pointer;
        public int Flags;
        public nuint Size;
    }

    [LibraryImport("libc", EntryPoint = "sigaltstack")]
    private static unsafe partial int SetAlternateStack(StackDescriptor* stack, StackDescriptor* old);

    [LibraryImport("libc", EntryPoint = "getauxval")]
    private static partial nuint GetAuxiliaryValue(nuint type);

    [LibraryImport("libc", EntryPoint = "mmap")]
    private static partial nint Map(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "mprotect")]
    private static partial int Protect(nint address, nuint length, int protection);

    [LibraryImport("libc", EntryPoint = "munmap")]
    private static partial int Unmap(nint address, nuint length);
}
