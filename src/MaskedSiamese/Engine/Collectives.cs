using System.Globalization;

namespace MaskedSiamese.Engine;

/// <summary>
/// The collective of this process, chosen from the launcher's environment: under an MPI launcher with N &gt; 1
/// processes (MPICH/Hydra sets <c>PMI_SIZE</c>, <c>PMI_RANK</c>), an <see cref="MpiCollective"/>; otherwise
/// <see cref="SingleProcessCollective"/>. MPI is initialised on first use and finalised by <see cref="Shutdown"/>.
/// </summary>
public static class Collectives
{
    private static readonly Lock s_lock = new();
    private static ICollective? s_current;

    /// <summary>What to do when a collective call of this process waits past the watchdog's limit
    /// (<see cref="CollectiveWatchdog"/>): the call cannot be interrupted, so an application ends the process here.
    /// Called once, on the watchdog's background thread; it must not throw. Set before the first use of
    /// <see cref="Current"/>; null (the default) watches nothing, so a blocked process waits for its launcher.
    /// </summary>
    public static Action<CollectiveHang>? HangHandler { get; set; }

    /// <summary>The process count the launcher announced (1 when not launched by MPI).</summary>
    /// <exception cref="CollectiveException">Open MPI launched the process (its ABI is not MPICH's).</exception>
    public static int LaunchedWorldSize()
    {
        if (Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") is { } ompi && Parse(ompi) > 1)
            throw new CollectiveException("Launched by Open MPI's mpiexec: only MPICH is supported (Debian: " +
                "apt-get install mpich; run MPICH's mpiexec.mpich)");
        return Environment.GetEnvironmentVariable("PMI_SIZE") is { } size ? Math.Max(1, Parse(size)) : 1;
    }

    /// <summary>This process's collective (created, and MPI initialised, on first use).</summary>
    public static ICollective Current
    {
        get
        {
            lock (s_lock)
                return s_current ??= LaunchedWorldSize() > 1 ? new MpiCollective() : SingleProcessCollective.Instance;
        }
    }

    /// <summary>Finalises MPI when it was started; the collective must not be used afterwards. A non-zero
    /// <paramref name="exitCode"/> aborts every rank instead (MPI_Abort, which ends this process with that code), so
    /// that a rank that failed does not leave the others waiting in their next collective, unless
    /// <paramref name="failedTogether"/>: every rank failed at the same point and finalises normally.</summary>
    public static void Shutdown(int exitCode = 0, bool failedTogether = false)
    {
        lock (s_lock)
        {
            if (s_current is MpiCollective mpi)
            {
                if (exitCode != 0 && !failedTogether) mpi.Abort(exitCode);
                mpi.FinalizeMpi(exitCode);
            }
            s_current = null;
        }
    }

    private static int Parse(string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n : 1;
}
