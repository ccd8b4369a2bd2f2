using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace MaskedSiamese.Launching;

/// <summary>
/// Rank 0's side of <see cref="SupervisedLaunch"/>: connects to the supervisor's socket when the environment names one
/// and this process is rank 0 (or not launched by MPI), keeps the connection for its whole life, and reports its exit
/// code before it ends. The supervisor sees the connection close when the process is gone, however it ended. Best
/// effort: a supervisor that is gone or unreachable changes nothing for the process.
/// </summary>
public sealed class RankZeroLink : IDisposable
{
    private readonly Socket _socket;

    private RankZeroLink(Socket socket) => _socket = socket;

    /// <summary>Connects when <see cref="SupervisedLaunch.SocketVariable"/> names a socket and <c>PMI_RANK</c> is 0 or
    /// unset; null otherwise, or when the socket cannot be reached (rank 0 on another machine).</summary>
    public static RankZeroLink? ConnectFromEnvironment()
    {
        string? path = Environment.GetEnvironmentVariable(SupervisedLaunch.SocketVariable);
        string? rank = Environment.GetEnvironmentVariable("PMI_RANK");
        if (string.IsNullOrEmpty(path) || (rank is not null && rank.Trim() != "0")) return null;
        return Connect(path);
    }

    /// <summary>Connects to the supervisor's socket at <paramref name="path"/>; null when it cannot be
    /// reached.</summary>
    private static RankZeroLink? Connect(string path)
    {
        if (!File.Exists(path)) return null;
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return new RankZeroLink(socket);
        }
        catch (SocketException)
        {
            socket.Dispose();
            return null;
        }
    }

    /// <summary>Tells the supervisor the code this process is about to exit with; safe to call from any thread, and
    /// again (the last report counts).</summary>
    public void Report(int exitCode)
    {
        try
        {
            _socket.Send(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"exit {exitCode}\n")));
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The supervisor is gone: nobody is left to tell.
        }
    }

    /// <summary>Closes the connection.</summary>
    public void Dispose() => _socket.Dispose();
}
