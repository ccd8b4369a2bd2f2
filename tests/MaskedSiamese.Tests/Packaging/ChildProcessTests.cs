namespace MaskedSiamese.Tests.Packaging;

/// <summary>The package tests' process runner fails with what the program printed: on a non-zero exit, and on a
/// program that does not end (killed at the time limit).</summary>
public sealed class ChildProcessTests
{
    [Fact]
    public void A_failing_program_is_reported_with_its_exit_code_and_output()
    {
        var result = ChildProcess.Run("sh", ["-c", "echo to-stdout; echo to-stderr >&2; exit 3"], Path.GetTempPath(),
            TimeSpan.FromMinutes(1));
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("to-stdout", result.Output, StringComparison.Ordinal);
        Assert.Contains("to-stderr", result.Output, StringComparison.Ordinal);
        var e = Assert.ThrowsAny<Exception>(() => result.EnsureSuccess());
        Assert.Contains("exited 3", e.Message, StringComparison.Ordinal);
        Assert.Contains("to-stderr", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_program_past_its_time_limit_is_killed_and_reported_with_its_output()
    {
        // tail -f /dev/null never ends by itself.
        var e = Assert.ThrowsAny<Exception>(() => ChildProcess.Run("sh", ["-c", "echo started; exec tail -f /dev/null"],
            Path.GetTempPath(), TimeSpan.FromSeconds(2)));
        Assert.Contains("did not finish within 2 s", e.Message, StringComparison.Ordinal);
        Assert.Contains("started", e.Message, StringComparison.Ordinal);
    }
}
