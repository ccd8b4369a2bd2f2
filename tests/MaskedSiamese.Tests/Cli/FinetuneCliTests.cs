using System.Diagnostics;
using System.Runtime.InteropServices;
using MaskedSiamese.Classification;
using MaskedSiamese.Cli;
using MaskedSiamese.Diagnostics;
using MaskedSiamese.FineTuning;
using MaskedSiamese.Tests.Evaluation;
using MaskedSiamese.Tests.FineTuning;

namespace MaskedSiamese.Tests.Cli;

/// <summary><c>msn finetune</c>: a real process killed with SIGKILL after a checkpoint exists resumes to the final
/// state and classifier of an uninterrupted process; bad inputs end with exit 1 and one line naming the option or
/// file.</summary>
public sealed class FinetuneCliTests : IDisposable
{
    private const int Sigkill = 9;
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-finetune-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    private static (int Code, string Error) Msn(params string[] args)
    {
        using var error = new StringWriter();
        int code = CliRunner.Run(CliApp.CreateRoot(), args, error);
        return (code, error.ToString());
    }

    private static Process Start(IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "msn.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        return Process.Start(info) ?? throw new InvalidOperationException("could not start msn");
    }

    private static async Task<string> Finish(Process msn)
    {
        var stderr = msn.StandardError.ReadToEndAsync();
        _ = msn.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await msn.WaitForExitAsync(timeout.Token);
        string error = await stderr;
        Assert.True(msn.ExitCode == 0, $"exit {msn.ExitCode}: {error}");
        return error;
    }

    // 12 images in one batch: one step per epoch, 200 steps of a few milliseconds, a checkpoint every 10.
    private string[] Args(string checkpoint, string data, string name) =>
    [
        "finetune", "-c", checkpoint, "--data", data, "-o", Path.Combine(_dir, name + ".msnc"), "--run-dir",
        Path.Combine(_dir, name), "--epochs", "200", "--batch-size", "12", "--lr", "2e-3", "--warmup-epochs", "10",
        "--checkpoint-every", "10", "--threads", "1",
    ];

    [Fact]
    public async Task A_process_killed_with_sigkill_resumes_to_the_classifier_of_an_uninterrupted_run()
    {
        string data = Path.Combine(TinySetup.WriteImageFolder(_dir, trainPerClass: 4, valPerClass: 1), "train");
        string checkpoint = TinySetup.WriteCheckpoint(_dir);
        string latest = Path.Combine(_dir, "killed", "checkpoints", $"{FineTuner.Tag}-latest.safetensors");
        using (var victim = Start(Args(checkpoint, data, "killed")))
        {
            _ = victim.StandardError.ReadToEndAsync();
            _ = victim.StandardOutput.ReadToEndAsync();
            var clock = Stopwatch.StartNew();
            while (!File.Exists(latest) && clock.Elapsed < TimeSpan.FromSeconds(90) && !victim.HasExited)
                victim.WaitForExit(20);
            Assert.False(victim.HasExited, "msn finetune ended before it could be killed");
            Assert.Equal(0, kill(victim.Id, Sigkill));
            await victim.WaitForExitAsync();
        }
        string log = Path.Combine(_dir, "killed", "finetune.csv");
        long reached = RunLog.ReadCsv(log).Select(r => (long)r["step"]).Max() + 1;
        Assert.True(reached < 200, $"the killed run had already reached step {reached}");
        Assert.False(File.Exists(Path.Combine(_dir, "killed.msnc")));

        using (var resumed = Start([.. Args(checkpoint, data, "killed"), "--resume"])) await Finish(resumed);
        using (var whole = Start(Args(checkpoint, data, "whole"))) await Finish(whole);

        FineTuneTests.AssertSameTensors(
            Path.Combine(_dir, "whole", "checkpoints", $"{FineTuner.Tag}-latest.safetensors"), latest);
        using var expected = FewShotClassifier.Load(Path.Combine(_dir, "whole.msnc"));
        using var actual = FewShotClassifier.Load(Path.Combine(_dir, "killed.msnc"));
        Assert.Equal(expected.Head.Weights.ToArray(), actual.Head.Weights.ToArray());
        Assert.Equal(expected.Report.TrainingAccuracy, actual.Report.TrainingAccuracy);
        Assert.Equal(200, actual.Report.FineTune!.Steps);
    }

    [Fact]
    public void Bad_inputs_end_with_exit_1_and_one_line_naming_the_option_or_file()
    {
        string images = TinySetup.WriteImageFolder(_dir, trainPerClass: 2, valPerClass: 1);
        string data = Path.Combine(images, "train");
        string checkpoint = TinySetup.WriteCheckpoint(_dir);
        string single = Path.Combine(_dir, "single");
        CopyClass(Path.Combine(data, "c0"), Path.Combine(single, "only"));
        string missing = Path.Combine(_dir, "no-such-folder"), noCheckpoint = Path.Combine(_dir, "none.safetensors");
        string[] Base(string d, string c) =>
            ["finetune", "-c", c, "--data", d, "-o", Path.Combine(_dir, "x.msnc"), "--epochs", "1"];
        var cases = new (string[] Args, string Named)[]
        {
            (Base(missing, checkpoint), missing),
            (Base(single, checkpoint), "only one class"),
            (Base(data, noCheckpoint), noCheckpoint),
            ([.. Base(data, checkpoint), "--layer-decay", "1.5"], "--layer-decay 1.5"),
            ([.. Base(data, checkpoint), "--drop-path", "1"], "--drop-path 1"),
            ([.. Base(data, checkpoint), "--warmup-epochs", "3"], "--warmup-epochs 3"),
            ([.. Base(data, checkpoint), "--features", "blocks:9"], "blocks:9"),
            ([.. Base(data, checkpoint), "--resume"], "no checkpoint at"),
            ([.. Base(data, checkpoint), "--resume", "--overwrite"], "--resume"),
        };
        foreach (var (args, named) in cases)
        {
            var (code, error) = Msn(args);
            Assert.True(code == 1, $"{string.Join(' ', args)}: exit {code}: {error}");
            Assert.Contains(named, error);
            Assert.Single(error.TrimEnd().Split('\n'));
        }
    }

    private static void CopyClass(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }
}
