using System.Diagnostics;
using System.Text;

namespace MaskedSiamese.Tests.Cluster;

/// <summary>A running <c>mpiexec</c> of <see cref="TwoMachines.Start"/>: its output as it comes, its end.</summary>
public sealed class MpiJob : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new(), _errors = new();
    private readonly Lock _lock = new();

    internal MpiJob(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(_output, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_errors, e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>What the job wrote to stdout so far.</summary>
    public string Output { get { lock (_lock) return _output.ToString(); } }

    /// <summary>What the job wrote to stderr so far.</summary>
    public string Errors { get { lock (_lock) return _errors.ToString(); } }

    /// <summary>The launcher's exit code once it ended.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Waits for the launcher to end; false when <paramref name="limit"/> passed first.</summary>
    public bool WaitForExit(TimeSpan limit)
    {
        if (!_process.WaitForExit(limit)) return false;
        _process.WaitForExit();   // and for the output's last lines
        return true;
    }

    /// <summary>Ends the launcher and what it started here (on node-a).</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>Ends the launcher if it still runs.</summary>
    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Append(StringBuilder to, string? line)
    {
        if (line is null) return;
        lock (_lock) to.AppendLine(line);
    }
}
