using System.Diagnostics;
using MaskedSiamese.Cli;
using MaskedSiamese.Launching;
using MaskedSiamese.Tests.Engine;

namespace MaskedSiamese.Tests.Launching;

/// <summary>
/// <c>msn launch</c>'s supervisor with stand-ins for a launcher: a shell that runs one real <c>msn</c> process (rank 0,
/// which reports to the supervisor as under <c>mpiexec</c>) and then ends, or hangs as hydra does after a link cut.
/// </summary>
public sealed class SupervisedLaunchTests
{
    private static readonly string Msn = typeof(CliApp).Assembly.Location;

    // `msn info` of a missing file: a rank 0 that ends at once with exit 1.
    private static string FailingRankZero(string environment = "") =>
        $"{environment} dotnet '{Msn}' info /nonexistent/checkpoint.safetensors 2>/dev/null";

    private static LaunchOutcome RunShell(string script, double graceSeconds = 60) =>
        SupervisedLaunch.Run(["bash", "-c", script], new SupervisedLaunchOptions
        {
            Grace = TimeSpan.FromSeconds(graceSeconds),
            StopWait = TimeSpan.FromSeconds(1),
        });

    [Fact]
    public void A_launcher_that_outlives_rank_zero_is_stopped_after_the_grace_with_rank_zeros_exit_code()
    {
        var clock = Stopwatch.StartNew();
        // `exec sleep`: the launcher itself hangs on (as hydra's mpiexec waiting for an unreachable machine).
        var outcome = RunShell($"{FailingRankZero()}; exec sleep 600", graceSeconds: 1);
        Assert.True(outcome.LauncherStopped, outcome.ToString());
        Assert.Equal(RankZeroEnding.Reported, outcome.RankZero);
        Assert.Equal(1, outcome.RankZeroExitCode);
        Assert.Equal(1, outcome.ExitCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
    }

    [Fact]
    public void A_launcher_that_ends_by_itself_gives_its_own_exit_code()
    {
        var outcome = RunShell($"{FailingRankZero()}; exit 7");
        Assert.Equal(new LaunchOutcome(7, RankZeroEnding.Reported, 1, LauncherStopped: false), outcome);
    }

    [Fact]
    public void Only_rank_zero_reports()
    {
        var outcome = RunShell($"{FailingRankZero("PMI_RANK=1")}; exit 0");
        Assert.Equal(new LaunchOutcome(0, RankZeroEnding.NeverConnected, null, LauncherStopped: false), outcome);
    }

    [Fact]
    public void A_launcher_that_cannot_be_started_is_one_line_and_exit_1()
    {
        var error = new StringWriter();
        int code = CliRunner.Run(CliApp.CreateRoot(), ["launch", "--", "/nonexistent/mpiexec", "-n", "2"], error);
        Assert.Equal(CliRunner.UserError, code);
        Assert.StartsWith("msn: /nonexistent/mpiexec: cannot be started", error.ToString(), StringComparison.Ordinal);
        Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [MpiexecFact]
    public void An_mpi_job_under_launch_ends_with_its_ranks_and_rank_zero_reports()
    {
        string run = Directory.CreateTempSubdirectory("msn-launch-").FullName;
        try
        {
            var outcome = SupervisedLaunch.Run([Mpiexec.Path!, "-n", "2", "dotnet", Msn, "pretrain", "--config",
                "smoke", "--no-eval", "-o", run, "--max-steps", "2", "--set", "meta.threads=1", "--set",
                "logging.monitor_every=-1"]);
            Assert.Equal(new LaunchOutcome(0, RankZeroEnding.Reported, 0, LauncherStopped: false), outcome);
            Assert.True(File.Exists(Path.Combine(run, "checkpoints", "smoke-latest.safetensors")));
        }
        finally
        {
            Directory.Delete(run, true);
        }
    }
}
