using System.Diagnostics;
using System.Globalization;
using MaskedSiamese.Cli;

namespace MaskedSiamese.Tests.Engine;

/// <summary>Runs <c>msn</c> under MPICH's <c>mpiexec</c> and returns its exit code and output.</summary>
internal static class Mpiexec
{
    /// <summary>The <c>mpiexec</c> found on the PATH, or null.</summary>
    public static string? Path { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => System.IO.Path.Combine(dir, "mpiexec"))
        .FirstOrDefault(File.Exists);

    /// <summary>One <c>mpiexec</c> launch; each element of <paramref name="ranks"/> is one rank's <c>msn</c> arguments
    /// (MPMD: <c>mpiexec -n 1 msn A : -n 1 msn B</c>), so ranks may be given different commands.</summary>
    public static (int ExitCode, string Output, string Errors) RunMsn(IReadOnlyList<string[]> ranks, TimeSpan limit)
    {
        string msn = typeof(CliApp).Assembly.Location;
        var start = new ProcessStartInfo(Path ?? "mpiexec")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // Every rank ends by counting the tensors left to their finalisers and fails if there are any.
        start.Environment["MSN_CHECK_TENSOR_LIFETIMES"] = "1";
        for (int r = 0; r < ranks.Count; r++)
        {
            if (r > 0) start.ArgumentList.Add(":");
            foreach (string arg in new[] { "-n", "1", "dotnet", msn }.Concat(ranks[r])) start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture,
                $"mpiexec did not finish within {limit.TotalSeconds:F0} s"));
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
