using System.Diagnostics;
using System.Runtime.InteropServices;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Diagnostics;

namespace MaskedSiamese.Tests.Cli;

/// <summary>SIGTERM stops <c>msn pretrain</c> (a real process) after the current step with the checkpoint of the step
/// reached, and exit 143; a re-run in the same folder without --resume is refused, not wiped.</summary>
public sealed class StopSignalTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-signal-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static readonly string[] LongSmokeRun =
        ["pretrain", "--config", "smoke", "--set", "optimization.max_steps=null", "--set",
            "logging.checkpoint_every=100000",
         "--set", "meta.threads=1", "--no-eval"];

    private const int Sigterm = 15;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    private static Process Start(IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "msn.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        return Process.Start(info) ?? throw new InvalidOperationException("could not start msn");
    }

    // SIGINT is not tested here: a process started from a non-interactive shell's background job inherits SIGINT as
    // ignored (as nohup intends), so whether msn sees it depends on how the test run was started. Both signals take
    // the same path in StopSignals.
    [Fact]
    public async Task Sigterm_stops_training_with_the_checkpoint_of_the_step_reached()
    {
        string run = Path.Combine(_dir, "run");
        using var msn = Start([.. LongSmokeRun, "-o", run]);
        var stderr = msn.StandardError.ReadToEndAsync();
        _ = msn.StandardOutput.ReadToEndAsync();
        string log = Path.Combine(run, "smoke.csv");
        var clock = Stopwatch.StartNew();
        // Wait (bounded) until a few steps are logged: the signal must arrive in the middle of training.
        while ((!File.Exists(log) || RunLog.ReadCsv(log).Count < 3) && clock.Elapsed < TimeSpan.FromSeconds(90)
            && !msn.HasExited)
            msn.WaitForExit(100);   // polling the log, bounded above; returns early if msn ends
        // (stderr is read only after the assertion: awaiting it in the message would wait for msn to end)
        if (msn.HasExited) Assert.Fail("msn ended before it could be signalled: " + await stderr);
        int sent = kill(msn.Id, Sigterm);
        Assert.True(sent == 0, $"kill({msn.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await msn.WaitForExitAsync(timeout.Token);
        Assert.True(msn.ExitCode == 143, $"exit {msn.ExitCode}: {await stderr}");
        Assert.Contains("stopping after this step", await stderr);
        long logged = RunLog.ReadCsv(log).Select(r => (long)r["step"]).Max() + 1;
        using var ck = MsnCheckpoint.Load(Path.Combine(run, "checkpoints", "smoke-latest.safetensors"));
        Assert.Equal(logged, (long)ck.Training!["step"]!.GetValue<double>());
        Assert.True(logged >= 3);

        using var again = Start([.. LongSmokeRun, "-o", run]);
        string refusal = await again.StandardError.ReadToEndAsync();
        await again.WaitForExitAsync(timeout.Token);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("--resume", refusal);
        Assert.True(File.Exists(Path.Combine(run, "checkpoints", "smoke-latest.safetensors")),
            "the refused re-run deleted the checkpoint");
    }
}
