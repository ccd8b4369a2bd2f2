using System.Diagnostics;
using System.Text.RegularExpressions;

namespace MaskedSiamese.Tests.Labelling;

/// <summary><c>msn label</c> running in a process of its own, as a user starts it; killed (like kill -9) on
/// dispose.</summary>
internal sealed partial class LabelServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _stderr;

    private LabelServerProcess(Process process, List<string> stderr, Uri page, string token)
    {
        _process = process;
        _stderr = stderr;
        Page = page;
        Token = token;
    }

    /// <summary>The address printed, token included.</summary>
    public Uri Page { get; }

    public string Token { get; }

    /// <summary>http://host:port/ without the token.</summary>
    public Uri Base => new(Page.GetLeftPart(UriPartial.Authority) + "/");

    public string Errors
    {
        get
        {
            lock (_stderr) return string.Join('\n', _stderr);
        }
    }

    /// <summary>Whether a line holding <paramref name="text"/> reaches standard error within
    /// <paramref name="timeout"/> (stderr is read asynchronously: a line written before the address may come
    /// after).</summary>
    public bool WaitForError(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        lock (_stderr)
        {
            while (!_stderr.Any(l => l.Contains(text, StringComparison.Ordinal)))
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !Monitor.Wait(_stderr, left)) return false;
            }
            return true;
        }
    }

    public static LabelServerProcess Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "msn.dll"));
        info.ArgumentList.Add("label");
        foreach (var a in args) info.ArgumentList.Add(a);
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start msn label");
        var errors = new List<string>();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (errors)
            {
                errors.Add(e.Data);
                Monitor.PulseAll(errors);
            }
        };
        process.BeginErrorReadLine();
        // The address line comes after the project opened; a failure ends the process instead.
        var read = Task.Run(() =>
        {
            while (process.StandardOutput.ReadLine() is { } line)
                if (OpenLine().Match(line) is { Success: true } m) return m.Groups[1].Value;
            return null;
        });
        if (!read.Wait(TimeSpan.FromSeconds(90)) || read.Result is null)
        {
            process.Kill(true);
            lock (errors)
                throw new InvalidOperationException("msn label printed no address: " + string.Join('\n', errors));
        }
        var page = new Uri(read.Result);
        return new LabelServerProcess(process, errors, page, page.Query.Split("token=")[1]);
    }

    /// <summary>Kills the whole process at once (no shutdown path runs) and waits until it is gone.</summary>
    public void Kill()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    [GeneratedRegex(@"open (http://\S+)")]
    private static partial Regex OpenLine();
}
