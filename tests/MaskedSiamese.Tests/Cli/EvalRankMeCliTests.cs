using System.Globalization;
using MaskedSiamese.Cli;
using MaskedSiamese.Configuration;
using MaskedSiamese.Pretraining;
using MaskedSiamese.Tests.Support;

namespace MaskedSiamese.Tests.Cli;

[Collection(ProcessWideTestGroup.Name)]   // reads the command's standard output
public sealed class EvalRankMeCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-rankme-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [FashionMnistFact]
    public void It_prints_rankme_and_the_monitor_sets_knn_for_each_checkpoint_and_refuses_other_data()
    {
        var config = ConfigPresets.Load("smoke", [$"logging.folder={_dir}", "meta.threads=1"]);
        PretrainingRun.Run(config, new PretrainingRequest { Evaluate = false });
        string checkpoint = Path.Combine(_dir, "checkpoints", "smoke-latest.safetensors");

        var (code, printed) = StandardOutput.Capture(() =>
            CliRunner.Run(CliApp.CreateRoot(), ["eval", "rankme", checkpoint, checkpoint]));
        Assert.Equal(0, code);
        var rows = printed.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
        Assert.Equal(2, rows.Count);
        var figures = rows[0].Split(' ', StringSplitOptions.RemoveEmptyEntries)[^2..]
            .Select(t => double.Parse(t, CultureInfo.InvariantCulture)).ToArray();
        Assert.InRange(figures[0], 1.0, 32.0);    // RankMe: at most the smoke encoder's width
        Assert.InRange(figures[1], 10.0, 100.0);  // k-NN top-1 % over 10 classes
        Assert.Equal(rows[0], rows[1]);           // deterministic

        using var error = new StringWriter();
        Assert.Equal(1, CliRunner.Run(CliApp.CreateRoot(), ["eval", "rankme", checkpoint, "--data", _dir], error));
        Assert.Contains("the monitor set is Fashion-MNIST's for now", error.ToString(), StringComparison.Ordinal);
    }
}
