using System.Diagnostics;
using System.Globalization;

namespace MaskedSiamese.Engine;

/// <summary>
/// Notices when one collective call has waited longer than <see cref="Timeout"/>: the other processes stopped
/// answering (one died or hangs). MPICH's <c>mpiexec</c> already kills the survivors when a rank dies, but other
/// launchers, or a rank that hangs instead of dying, would leave them blocked in MPI forever. A background thread
/// checks once a second and, past the limit, hands the hang to <see cref="Collectives.HangHandler"/> once. The blocked
/// MPI call cannot be interrupted, so the application's handler ends the process (<c>msn</c> says so in one line and
/// exits with <see cref="ExitCode"/>); the library itself neither prints nor exits. Checkpoints are written
/// atomically, so the latest one on disk stays intact.
/// </summary>
public sealed class CollectiveWatchdog : IDisposable
{
    /// <summary>The exit code an application gives a process it ends for a hang (<c>msn</c>: 3).</summary>
    public const int ExitCode = 3;

    /// <summary>The environment variable that sets the limit in seconds (0 turns the watchdog off).</summary>
    public const string TimeoutVariable = "MSN_MPI_TIMEOUT";

    /// <summary>The limit when <see cref="TimeoutVariable"/> is unset: a kill is noticed within a minute, while a
    /// rank that waits for rank 0's checkpoint write or a slower step has ample time.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(45);

    private readonly int _rank;
    private readonly Action<CollectiveHang>? _onHang;
    private readonly Thread? _thread;
    private readonly CancellationTokenSource _stop = new();
    private long _callStarted;      // Stopwatch timestamp of the call in progress, 0 when none
    private string _callName = "";
    private int? _finishedWith;

    /// <summary>Starts watching for rank <paramref name="rank"/> (nothing is started when the limit is 0 or nobody
    /// handles a hang).</summary>
    public CollectiveWatchdog(int rank, TimeSpan timeout, Action<CollectiveHang>? onHang)
    {
        _rank = rank;
        _onHang = onHang;
        Timeout = timeout;
        if (timeout <= TimeSpan.Zero || onHang is null) return;
        _thread = new Thread(Watch) { IsBackground = true, Name = "MPI watchdog" };
        _thread.Start();
    }

    /// <summary>How long one collective call may wait.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The limit of <see cref="TimeoutVariable"/>, or <see cref="DefaultTimeout"/>.</summary>
    /// <exception cref="CollectiveException">The variable is not a number of seconds ≥ 0.</exception>
    public static TimeSpan TimeoutFromEnvironment()
    {
        string? text = Environment.GetEnvironmentVariable(TimeoutVariable);
        if (string.IsNullOrWhiteSpace(text)) return DefaultTimeout;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) ||
            seconds < 0 || !double.IsFinite(seconds))
            throw new CollectiveException(
                $"{TimeoutVariable}={text}: expected a number of seconds ≥ 0 (0 turns the watchdog off)");
        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>Marks the start of collective call <paramref name="name"/>; <paramref name="finishedWith"/> when it
    /// is the farewell of a process ending with that exit code (<see cref="CollectiveHang.FinishedWith"/>), which is
    /// watched with a limit of at most <see cref="FarewellTimeout"/>.</summary>
    public void Enter(string name, int? finishedWith = null)
    {
        _callName = name;
        _finishedWith = finishedWith;
        Volatile.Write(ref _callStarted, Stopwatch.GetTimestamp());
    }

    /// <summary>How long finalising may take once every rank has arrived: it is a moment's work.</summary>
    public static readonly TimeSpan FarewellTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Marks the end of the call in progress.</summary>
    public void Exit() => Volatile.Write(ref _callStarted, 0);

    private void Watch()
    {
        while (!_stop.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(1)))
        {
            long started = Volatile.Read(ref _callStarted);
            var limit = _finishedWith is null || Timeout < FarewellTimeout ? Timeout : FarewellTimeout;
            if (started == 0 || Stopwatch.GetElapsedTime(started) <= limit) continue;
            _onHang!(new CollectiveHang(_rank, limit, _callName, _finishedWith));
            return;
        }
    }

    /// <summary>Stops watching.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _thread?.Join();
        _stop.Dispose();
    }
}
