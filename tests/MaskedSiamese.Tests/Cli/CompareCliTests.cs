using MaskedSiamese.Cli;
using MaskedSiamese.Configuration;
using MaskedSiamese.Pretraining;
using MaskedSiamese.Tests.Support;

namespace MaskedSiamese.Tests.Cli;

[Collection(ProcessWideTestGroup.Name)]   // reads the command's standard output
public sealed class CompareCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-compare-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [FashionMnistFact]
    public void Runs_are_compared_side_by_side_with_their_monitor_and_a_folder_without_a_run_is_refused()
    {
        foreach (var (name, steps) in new[] { ("short", 4), ("longer", 8) })
            PretrainingRun.Run(ConfigPresets.Load("smoke", [$"logging.folder={Path.Combine(_dir, name)}",
                "meta.threads=1", "logging.monitor_every=2", $"optimization.max_steps={steps}"]),
                new PretrainingRequest { Evaluate = false });
        string chart = Path.Combine(_dir, "compare.png");

        var (code, printed) = StandardOutput.Capture(() => CliRunner.Run(CliApp.CreateRoot(),
            ["compare", Path.Combine(_dir, "short"), Path.Combine(_dir, "longer"), "--chart", chart]));
        Assert.Equal(0, code);
        var lines = printed.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("short ", lines[1], StringComparison.Ordinal);
        Assert.Equal("4", lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        Assert.Equal("8", lines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        Assert.True(new FileInfo(chart).Length > 1000);

        // Against steps: the chart, and the measurements side by side, step by step ("—" where a run has none).
        string bySteps = Path.Combine(_dir, "steps.png");
        (code, printed) = StandardOutput.Capture(() => CliRunner.Run(CliApp.CreateRoot(),
            ["compare", Path.Combine(_dir, "short"), Path.Combine(_dir, "longer"), "--curves", "--chart", bySteps,
                "--against", "steps"]));
        Assert.Equal(0, code);
        var rows = printed.Split('\n').SkipWhile(l => !l.TrimStart().StartsWith("step ", StringComparison.Ordinal))
            .Skip(2).TakeWhile(l => l.Trim() is [>= '0' and <= '9', ..])
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Equal(["2", "4", "6", "8"], rows.Select(r => r[0]));
        Assert.All(rows.Take(2), r => Assert.Equal(5, r.Length));
        Assert.All(rows.Skip(2), r => Assert.Equal(["—", "—"], r[1..3]));
        Assert.True(new FileInfo(bySteps).Length > 1000);

        using var error = new StringWriter();
        Assert.Equal(1, CliRunner.Run(CliApp.CreateRoot(), ["compare", _dir], error));
        Assert.Contains("expected one run log (*.csv), found 0", error.ToString(), StringComparison.Ordinal);
    }
}
