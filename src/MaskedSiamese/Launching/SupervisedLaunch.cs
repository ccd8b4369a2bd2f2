using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace MaskedSiamese.Launching;

/// <summary>
/// Runs an MPI launcher (<c>mpiexec …</c>) and ends it when it outlives the job. MPICH's hydra waits for every
/// machine's proxy: when a link is cut, the ranks end (their collectives time out) but <c>mpiexec</c> keeps waiting on
/// its dead connection to the other machine for good. Rank 0, on the launcher's machine, holds a connection to a Unix
/// socket named in <see cref="SocketVariable"/> (<see cref="RankZeroLink"/>); once it is closed, the launcher gets
/// <see cref="SupervisedLaunchOptions.Grace"/> to end, then SIGTERM, then SIGKILL with everything it started here.
/// The launcher's output goes where this process's goes.
/// </summary>
public static partial class SupervisedLaunch
{
    /// <summary>The environment variable that tells rank 0 where the supervisor listens.</summary>
    public const string SocketVariable = "MSN_LAUNCH_SOCKET";

    /// <summary>Runs <paramref name="command"/> (the launcher and its arguments) to its end.</summary>
    /// <param name="command">The launcher's command line, e.g. <c>mpiexec -n 2 dotnet msn.dll pretrain …</c>.</param>
    /// <param name="options">Grace, stop wait, socket path.</param>
    /// <param name="cancellation">Passes SIGTERM to the launcher, once, and keeps waiting for it.</param>
    /// <exception cref="FileNotFoundException">The launcher cannot be started.</exception>
    public static LaunchOutcome Run(IReadOnlyList<string> command, SupervisedLaunchOptions? options = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Count == 0) throw new ArgumentException("no launcher command to run", nameof(command));
        options ??= new SupervisedLaunchOptions();
        options.Validate();
        string socketPath = options.SocketPath ?? Path.Combine(Path.GetTempPath(),
            string.Create(CultureInfo.InvariantCulture, $"msn-launch-{Environment.ProcessId}-{Guid.NewGuid():N}.sock"));
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        try
        {
            // Only this user may speak for rank 0.
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(socketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            listener.Listen(1);
            var rankZero = RankZeroWatch.Start(listener);
            using var launcher = Start(command, socketPath);
            using var forward = cancellation.Register(() => Signal(launcher, Terminate));
            var exited = launcher.WaitForExitAsync(CancellationToken.None);
            Task.WaitAny([exited, rankZero.Ended], CancellationToken.None);
            bool stopped = !exited.IsCompleted &&
                !exited.Wait((int)options.Grace.TotalMilliseconds, CancellationToken.None);
            if (stopped) Stop(launcher, options.StopWait);
            launcher.WaitForExit();
            // A launcher that kills rank 0 ends just after it: the closed connection may still be on its way. One
            // that ended by itself may end before this process has read a connection it already holds.
            if (rankZero.HasConnection(listener))
                rankZero.Ended.Wait((int)options.StopWait.TotalMilliseconds, CancellationToken.None);
            listener.Close();   // a rank 0 that never connected stops being waited for
            var (ending, reported) = rankZero.Outcome();
            int code = stopped ? reported ?? 1 : launcher.ExitCode;
            return new LaunchOutcome(code, ending, reported, stopped);
        }
        finally
        {
            File.Delete(socketPath);
        }
    }

    private static Process Start(IReadOnlyList<string> command, string socketPath)
    {
        var start = new ProcessStartInfo(command[0]) { UseShellExecute = false };
        foreach (string argument in command.Skip(1)) start.ArgumentList.Add(argument);
        start.Environment[SocketVariable] = socketPath;
        try
        {
            return Process.Start(start) ?? throw new FileNotFoundException($"{command[0]}: not started", command[0]);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new FileNotFoundException($"{command[0]}: cannot be started ({e.Message})", command[0], e);
        }
    }

    // SIGTERM first: hydra then signals its proxies, which end the ranks on every machine they can still reach.
    private static void Stop(Process launcher, TimeSpan stopWait)
    {
        Signal(launcher, Terminate);
        if (launcher.WaitForExit(stopWait)) return;
        try { launcher.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }   // it ended meanwhile
    }

    private const int Terminate = 15;   // SIGTERM

    private static void Signal(Process process, int signal)
    {
        try
        {
            if (!process.HasExited) _ = SendSignal(process.Id, signal);   // ESRCH: it has just ended
        }
        catch (InvalidOperationException) { }   // it ended meanwhile
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int SendSignal(int pid, int signal);

    // Accepts rank 0's one connection and reads its reports until it closes.
    private sealed class RankZeroWatch
    {
        private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile bool _connected;
        private Task<Socket>? _accept;
        private int? _reported;

        public Task Ended => _ended.Task;

        // Whether rank 0 has connected, read or not: waiting in the backlog, accepted, or accepted and being read. The
        // accept completes at once, its continuation (which reads) waits for a pool thread: under load, longer than a
        // launcher takes to end after its rank 0.
        public bool HasConnection(Socket listener) =>
            _connected || listener.Poll(0, SelectMode.SelectRead)
            || Volatile.Read(ref _accept) is { IsCompletedSuccessfully: true };

        public static RankZeroWatch Start(Socket listener)
        {
            var watch = new RankZeroWatch();
            _ = watch.ListenAsync(listener);
            return watch;
        }

        public (RankZeroEnding, int?) Outcome() => !_connected ? (RankZeroEnding.NeverConnected, null)
            : !_ended.Task.IsCompleted ? (RankZeroEnding.Running, _reported)
            : _reported is null ? (RankZeroEnding.Vanished, null)
            : (RankZeroEnding.Reported, _reported);

        private async Task ListenAsync(Socket listener)
        {
            Socket connection;
            try
            {
                var accept = listener.AcceptAsync();
                Volatile.Write(ref _accept, accept);
                connection = await accept.ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;   // the launcher ended before rank 0 connected, or rank 0 never will
            }
            _connected = true;
            using var reader = new StreamReader(new NetworkStream(connection, ownsSocket: true));
            try
            {
                while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
                    if (line.StartsWith("exit ", StringComparison.Ordinal) &&
                        int.TryParse(line.AsSpan(5), NumberStyles.Integer, CultureInfo.InvariantCulture, out int code))
                        _reported = code;
            }
            catch (IOException)
            {
                // a connection reset is an end like any other
            }
            _ended.TrySetResult();
        }
    }
}
