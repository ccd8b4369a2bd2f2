using System.Diagnostics;
using System.Runtime.InteropServices;
using MPI;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Engine;

/// <summary>
/// The processes started by an MPI launcher (<c>mpiexec -n N</c>), over MPICH through MPI.NET's raw bindings: tensors
/// are reduced in place on their CPU data pointers, one MPI call per operation. MPI.NET binds MS-MPI's library name;
/// MPICH has the same integer-handle ABI, so the name is remapped to <c>libmpich.so.12</c> (Open MPI's ABI differs and
/// is not supported). Errors return instead of aborting, and a failed call throws <see cref="CollectiveException"/>.
/// Create at most one per process (MPI is initialised once) and dispose it at exit (MPI_Finalize).
/// </summary>
public sealed unsafe class MpiCollective : ICollective, IDisposable
{
    private const string MpichLibrary = "libmpich.so.12";
    private const int ThreadSerialized = 2;           // MPI_THREAD_SERIALIZED: autograd may call from another thread
    private static readonly IntPtr InPlace = new(-1); // MPICH's MPI_IN_PLACE
    private static int s_resolverSet;
    private readonly Stopwatch _communication = new();
    private readonly CollectiveWatchdog _watchdog;
    private bool _disposed;

    /// <summary>Initialises MPI (once per process) and reads this process's rank and the world size.</summary>
    /// <exception cref="CollectiveException">MPICH's library cannot be loaded or MPI fails to start.</exception>
    public MpiCollective()
    {
        var timeout = CollectiveWatchdog.TimeoutFromEnvironment();   // a bad value is refused before MPI starts
        UseMpich();
        int argc = 0;
        byte** argv = null;
        int initialized = 0, provided = 0;
        Check(Unsafe.MPI_Initialized(out initialized), "MPI_Initialized");
        if (initialized == 0)
            Check(Unsafe.MPI_Init_thread(ref argc, ref argv, ThreadSerialized, out provided), "MPI_Init_thread");
        // A failed peer must surface here as an exception with a message, not abort the process silently.
        Check(MPI_Comm_set_errhandler(Unsafe.MPI_COMM_WORLD, Unsafe.MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler");
        int rank = 0, size = 0;
        Check(Unsafe.MPI_Comm_rank(Unsafe.MPI_COMM_WORLD, out rank), "MPI_Comm_rank");
        Check(Unsafe.MPI_Comm_size(Unsafe.MPI_COMM_WORLD, out size), "MPI_Comm_size");
        Rank = rank;
        WorldSize = size;
        _watchdog = new CollectiveWatchdog(rank, timeout, Collectives.HangHandler);
    }

    /// <inheritdoc />
    public int Rank { get; }

    /// <inheritdoc />
    public int WorldSize { get; }

    /// <summary>Wall time spent inside MPI calls so far (communication and waiting for the other ranks).</summary>
    public TimeSpan CommunicationTime => _communication.Elapsed;

    /// <summary>MPI calls made so far.</summary>
    public long Calls { get; private set; }

    /// <inheritdoc />
    public void AllReduceSum(Tensor tensor) => AllReduce(tensor, mean: false);

    /// <inheritdoc />
    public void AllReduceMean(Tensor tensor) => AllReduce(tensor, mean: true);

    /// <inheritdoc />
    public void Broadcast(Tensor tensor, int root = 0)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentOutOfRangeException.ThrowIfNegative(root);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(root, WorldSize);
        InPlaceOnContiguous(tensor, "MPI_Bcast", (data, count, type) =>
            Check(Unsafe.MPI_Bcast(data, count, type, root, Unsafe.MPI_COMM_WORLD), "MPI_Bcast"));
    }

    private void AllReduce(Tensor tensor, bool mean)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        InPlaceOnContiguous(tensor, "MPI_Allreduce", (data, count, type) =>
            Check(Unsafe.MPI_Allreduce(InPlace, data, count, type, Unsafe.MPI_SUM, Unsafe.MPI_COMM_WORLD),
                "MPI_Allreduce"));
        if (mean)
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();   // div_ returns a new wrapper of the tensor
            using var worldSize = WorldSize.ToScalar();
            tensor.div_(worldSize);
        }
    }

    // MPI works on raw memory: a CPU contiguous buffer of a supported dtype, copied back when the tensor was a view.
    private void InPlaceOnContiguous(Tensor tensor, string name, Action<IntPtr, int, int> call)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (tensor.device_type != DeviceType.CPU)
            throw new NotSupportedException($"MPI collectives take CPU tensors, not {tensor.device_type}");
        if (tensor.numel() > int.MaxValue) throw new NotSupportedException("MPI counts are 32-bit: split the tensor");
        (int type, int size) = tensor.dtype switch
        {
            ScalarType.Float32 => (Unsafe.MPI_FLOAT, sizeof(float)),
            ScalarType.Float64 => (Unsafe.MPI_DOUBLE, sizeof(double)),
            ScalarType.Int64 => (Unsafe.MPI_LONG_LONG, sizeof(long)),
            var other => throw new NotSupportedException($"MPI collectives of {other} tensors are not supported"),
        };
        using var noGrad = no_grad();
        bool copy = !tensor.is_contiguous();
        var buffer = copy ? tensor.contiguous() : tensor;
        try
        {
            Calls++;
            _communication.Start();
            _watchdog.Enter(name);
            try { call(DataPointer(buffer, size), (int)buffer.numel(), type); }
            finally
            {
                _watchdog.Exit();
                _communication.Stop();
            }
            if (copy)
            {
                using var scope = NewDisposeScope();   // copy_ returns a new wrapper of the tensor
                tensor.copy_(buffer);
            }
        }
        finally
        {
            if (copy) buffer.Dispose();
        }
    }

    // The first element of a contiguous CPU tensor: its storage's start plus its offset into the storage.
    private static IntPtr DataPointer(Tensor t, int elementSize)
    {
        // storage<T>() makes a tensor wrapper of its own; the pointer stays valid through t.
        using var scope = NewDisposeScope();
        IntPtr start = t.dtype switch
        {
            ScalarType.Float32 => t.storage<float>().data_ptr(),
            ScalarType.Float64 => t.storage<double>().data_ptr(),
            _ => t.storage<long>().data_ptr(),
        };
        return start + (nint)(t.storage_offset() * elementSize);
    }

    private static void Check(int code, string call)
    {
        if (code == 0) return;
        var text = new byte[1024];
        int length = 0;
        string message = Unsafe.MPI_Error_string(code, text, ref length) == 0
            ? System.Text.Encoding.ASCII.GetString(text, 0, length) : $"error code {code}";
        throw new CollectiveException($"{call} failed: {message.Trim()} (another rank probably died; the latest " +
            "checkpoint is intact, resume with --resume)");
    }

    private static void UseMpich()
    {
        if (Interlocked.Exchange(ref s_resolverSet, 1) == 1) return;
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(Unsafe).Assembly, (name, _, _) =>
                name.StartsWith("msmpi", StringComparison.OrdinalIgnoreCase)
                    ? NativeLibrary.Load(MpichLibrary)
                    : IntPtr.Zero);
        }
        catch (InvalidOperationException)
        {
            // Someone else (a host program) already set a resolver for MPI.NET: theirs stands.
        }
        if (!NativeLibrary.TryLoad(MpichLibrary, out _))
            throw new CollectiveException($"{MpichLibrary} not found: install MPICH (Debian: apt-get install mpich)");
    }

    [DllImport(MpichLibrary)]
    private static extern int MPI_Comm_set_errhandler(int comm, int errhandler);

    /// <summary>Ends every rank of the job with <paramref name="exitCode"/> (MPI_Abort); does not return
    /// normally.</summary>
    public void Abort(int exitCode)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Console.Out.Flush();
        Console.Error.Flush();
        _ = Unsafe.MPI_Abort(Unsafe.MPI_COMM_WORLD, exitCode);
    }

    /// <summary>Finalises MPI (after every rank has finished its collectives).</summary>
    public void Dispose() => FinalizeMpi(0);

    /// <summary>Finalises MPI in a process about to end with <paramref name="exitCode"/>: should finalising hang, the
    /// hang handler learns that the work was done and with which code the process was ending.</summary>
    public void FinalizeMpi(int exitCode)
    {
        if (_disposed) return;
        _disposed = true;
        if (Unsafe.MPI_Finalized(out int finalized) != 0 || finalized != 0)
        {
            _watchdog.Dispose();
            return;
        }
        // Not watched: the other ranks wait here while rank 0 runs the closing evaluation alone (minutes).
        _ = Unsafe.MPI_Barrier(Unsafe.MPI_COMM_WORLD);
        // Over TCP, MPICH 4.0 with UCX sometimes never returns from MPI_Finalize on one rank while the other waits in
        // the launcher's barrier (seen between machines under load; UCX issue #8738 and kin): every rank is here, the
        // work is saved, so past a short limit the process ends with its own exit code.
        _watchdog.Enter("MPI_Finalize", exitCode);
        _ = Unsafe.MPI_Finalize();
        _watchdog.Exit();
        _watchdog.Dispose();
    }
}
