using System.Diagnostics;
using System.Text;

namespace MaskedSiamese.Tests.Packaging;

/// <summary>Runs a program (dotnet pack, restore, tool install, the installed msn) with a time limit and keeps its
/// output, so that a failure says what the program printed.</summary>
public static class ChildProcess
{
    /// <summary>What a finished run printed (stdout and stderr interleaved as they arrived) and how it ended.</summary>
    public sealed record Result(string CommandLine, int ExitCode, string Output, TimeSpan Elapsed)
    {
        /// <summary>The last lines of the output, for an assertion message.</summary>
        public string Tail(int maxChars = 6000) =>
            Output.Length <= maxChars ? Output : "…" + Output[^maxChars..];

        /// <summary>Throws with the command line, the exit code and the output's tail unless the run exited
        /// 0.</summary>
        public Result EnsureSuccess()
        {
            if (ExitCode != 0)
                throw new Xunit.Sdk.XunitException($"`{CommandLine}` exited {ExitCode} after " +
                    $"{Elapsed.TotalSeconds:F0} s:\n{Tail()}");
            return this;
        }
    }

    /// <summary>
    /// Runs <paramref name="fileName"/> in <paramref name="workingDirectory"/>. Past <paramref name="timeout"/> the
    /// process tree is killed and the run fails with what it had printed. <paramref name="environment"/> entries with a
    /// null value are removed from the child's environment.
    /// </summary>
    public static Result Run(string fileName, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        // Build servers and reused MSBuild nodes would outlive the command and keep its output pipes open.
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        foreach (var (k, v) in environment ?? new Dictionary<string, string?>())
        {
            if (v is null) info.Environment.Remove(k);
            else info.Environment[k] = v;
        }
        string commandLine = fileName + " " +
            string.Join(' ', info.ArgumentList.Select(a => a.Contains(' ') ? $"\"{a}\"" : a));

        var output = new StringBuilder();
        using var stdoutClosed = new ManualResetEventSlim();
        using var stderrClosed = new ManualResetEventSlim();
        void Append(string? line, ManualResetEventSlim closed)
        {
            if (line is null)
            {
                closed.Set();
                return;
            }
            lock (output) output.AppendLine(line);
        }
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)
            ?? throw new InvalidOperationException($"could not start `{commandLine}`");
        process.OutputDataReceived += (_, e) => Append(e.Data, stdoutClosed);
        process.ErrorDataReceived += (_, e) => Append(e.Data, stderrClosed);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();

        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(10));
            string printed;
            lock (output) printed = output.ToString();
            throw new Xunit.Sdk.XunitException(
                $"`{commandLine}` did not finish within {timeout.TotalSeconds:F0} s and was killed; it printed:\n" +
                (printed.Length <= 6000 ? printed : "…" + printed[^6000..]));
        }
        // The process has exited; give the readers a bounded moment to drain what it wrote last (a grandchild that
        // still holds the pipes must not hang the test).
        var drain = Stopwatch.StartNew();
        stdoutClosed.Wait(TimeSpan.FromSeconds(10));
        stderrClosed.Wait(TimeSpan.FromSeconds(10) - drain.Elapsed < TimeSpan.Zero
            ? TimeSpan.Zero
            : TimeSpan.FromSeconds(10) - drain.Elapsed);
        string text;
        lock (output) text = output.ToString();
        return new Result(commandLine, process.ExitCode, text, clock.Elapsed);
    }
}
