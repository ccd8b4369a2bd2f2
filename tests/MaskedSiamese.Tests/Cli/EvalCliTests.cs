using System.Text.Json;
using MaskedSiamese.Cli;
using MaskedSiamese.Evaluation;
using MaskedSiamese.Tests.Evaluation;

namespace MaskedSiamese.Tests.Cli;

/// <summary>The new verbs run in process through the same command tree and runner as <c>msn</c>; only exit codes and
/// the files written are checked (the console is shared with other tests).</summary>
public sealed class EvalCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static int Msn(params string[] args) => CliRunner.Run(CliApp.CreateRoot(), args);

    [Fact]
    public void Eval_lowshot_embed_and_export_write_their_files()
    {
        string checkpoint = TinySetup.WriteCheckpoint(_dir);
        string images = TinySetup.WriteImageFolder(_dir);
        string cache = Path.Combine(_dir, "cache"), json = Path.Combine(_dir, "r.json"), png = Path.Combine(_dir, "r.png");

        Assert.Equal(0, Msn("eval", "lowshot", "-c", checkpoint, "--data", images, "--shots", "1,2", "--splits", "2",
            "--json", json, "--chart", png, "--cache-dir", cache));
        var report = LowShotReport.FromJson(File.ReadAllText(json));
        Assert.Equal(3, report.FeatureSets.Count);
        Assert.True(File.Exists(png));

        string knn = Path.Combine(_dir, "knn.json");
        Assert.Equal(0, Msn("eval", "knn", "-c", checkpoint, "--data", images, "--no-baselines", "--json", knn, "--cache-dir", cache));
        using (var doc = JsonDocument.Parse(File.ReadAllText(knn)))
            Assert.Equal(1, doc.RootElement.GetProperty("results").GetArrayLength());
        Assert.Equal(0, Msn("eval", "linear", "-c", checkpoint, "--data", images, "--epochs", "2", "--no-cache"));

        string csv = Path.Combine(_dir, "e.csv");
        Assert.Equal(0, Msn("embed", "-c", checkpoint, "--data", images, "-o", csv));
        var lines = File.ReadAllLines(csv);
        Assert.Equal(1 + 15, lines.Length);
        Assert.StartsWith("path,label,f0,f1,", lines[0], StringComparison.Ordinal);

        string exported = Path.Combine(_dir, "export.safetensors");
        Assert.Equal(0, Msn("export", checkpoint, "-o", exported));
        Assert.True(new FileInfo(exported).Length > 1000);
    }

    [Theory]
    [InlineData("eval", "lowshot", "--shots", "1,x")]
    [InlineData("eval", "lowshot", "--shots", "0")]
    [InlineData("eval", "lowshot", "--splits", "0")]
    [InlineData("eval", "lowshot", "--features", "blocks:x")]
    [InlineData("eval", "knn", "--data", "/nonexistent/folder")]
    [InlineData("embed", "--data", "/nonexistent/folder", "-o", "x.csv")]
    [InlineData("embed", "--data", "fashion-mnist", "-o", "x.txt")]
    public void User_errors_exit_with_1(params string[] args)
    {
        string checkpoint = TinySetup.WriteCheckpoint(_dir);
        var full = args.Take(args[0] == "eval" ? 2 : 1).Concat(["-c", checkpoint]).Concat(args.Skip(args[0] == "eval" ? 2 : 1));
        Assert.Equal(1, Msn([.. full]));
    }

    [Fact]
    public void A_file_that_is_no_checkpoint_exits_with_1()
    {
        string bad = Path.Combine(_dir, "bad.safetensors");
        File.WriteAllText(bad, "not a checkpoint at all");
        Assert.Equal(1, Msn("export", bad, "-o", Path.Combine(_dir, "o.safetensors")));
        Assert.Equal(1, Msn("eval", "lowshot", "-c", Path.Combine(_dir, "missing.safetensors"), "--data", _dir));
    }
}
