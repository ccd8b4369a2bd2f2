using System.Text.Json;
using MaskedSiamese.Cli;
using MaskedSiamese.Evaluation;
using MaskedSiamese.Tests.Evaluation;

namespace MaskedSiamese.Tests.Cli;

/// <summary>The new verbs run in process through the same command tree and runner as <c>msn</c>; exit codes, the
/// runner's error line and the files written are checked (stdout is shared with other tests, so only the runner's
/// own stderr lines, which it writes to a given writer, are read).</summary>
public sealed class EvalCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static int Msn(params string[] args) => CliRunner.Run(CliApp.CreateRoot(), args);

    private static (int Code, string Error) MsnWithError(params string[] args)
    {
        using var error = new StringWriter();
        int code = CliRunner.Run(CliApp.CreateRoot(), args, error);
        return (code, error.ToString());
    }

    [Fact]
    public void Eval_lowshot_embed_and_export_write_their_files()
    {
        string checkpoint = TinySetup.WriteCheckpoint(_dir);
        string images = TinySetup.WriteImageFolder(_dir);
        string cache = Path.Combine(_dir, "cache"), json = Path.Combine(_dir, "r.json"),
            png = Path.Combine(_dir, "r.png");

        Assert.Equal(0, Msn("eval", "lowshot", "-c", checkpoint, "--data", images, "--shots", "1,2", "--splits", "2",
            "--json", json, "--chart", png, "--cache-dir", cache));
        var report = LowShotReport.FromJson(File.ReadAllText(json));
        Assert.Equal(3, report.FeatureSets.Count);
        Assert.True(File.Exists(png));

        string knn = Path.Combine(_dir, "knn.json");
        Assert.Equal(0, Msn("eval", "knn", "-c", checkpoint, "--data", images, "--no-baselines", "--json", knn,
            "--cache-dir", cache));
        using (var doc = JsonDocument.Parse(File.ReadAllText(knn)))
            Assert.Equal(1, doc.RootElement.GetProperty("results").GetArrayLength());
        Assert.Equal(0, Msn("eval", "linear", "-c", checkpoint, "--data", images, "--max-steps", "20", "--no-cache"));

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
    [InlineData("--shots '1,x'", "eval", "lowshot", "--shots", "1,x")]
    [InlineData("--shots '0'", "eval", "lowshot", "--shots", "0")]
    [InlineData("fewer than 50 shots per class", "eval", "lowshot", "--data", "IMAGES", "--shots", "50", "--no-cache")]
    [InlineData("--splits 0", "eval", "lowshot", "--splits", "0")]
    [InlineData("--lambda -1", "eval", "lowshot", "--lambda", "-1")]
    [InlineData("--lambda 0: must be > 0", "eval", "lowshot", "--lambda", "0")]
    [InlineData("--features 'blocks:x'", "eval", "lowshot", "--features", "blocks:x")]
    [InlineData("features blocks:9: the encoder has only", "eval", "knn", "--data", "IMAGES", "--features", "blocks:9",
        "--no-cache")]
    [InlineData("--batch-size 0", "eval", "knn", "--batch-size", "0")]
    [InlineData("--num-heads 0", "eval", "knn", "--num-heads", "0")]
    [InlineData("--device gpu", "eval", "linear", "--device", "gpu")]
    [InlineData("--lr 0", "eval", "linear", "--lr", "0")]
    [InlineData("--max-steps 0", "eval", "linear", "--max-steps", "0")]
    [InlineData("--k 0", "eval", "knn", "--k", "0")]
    [InlineData("data folder '/nonexistent/folder' does not exist", "eval", "knn", "--data", "/nonexistent/folder")]
    [InlineData("data folder '/nonexistent/folder' does not exist", "embed", "--data", "/nonexistent/folder", "-o",
        "x.csv")]
    [InlineData("--out x.txt", "embed", "--data", "fashion-mnist", "-o", "x.txt")]
    [InlineData("Argument 'dev' not recognized", "embed", "--data", "fashion-mnist", "--split", "dev", "-o", "x.csv")]
    [InlineData("--device cuda:x", "embed", "--data", "fashion-mnist", "--device", "cuda:x", "-o", "x.csv")]
    public void User_errors_exit_with_1_and_name_the_problem(string message, params string[] args)
    {
        string checkpoint = TinySetup.WriteCheckpoint(_dir);
        int verb = args[0] == "eval" ? 2 : 1;
        string images = args.Contains("IMAGES") ? TinySetup.WriteImageFolder(_dir) : "";
        var full = args.Take(verb).Concat(["-c", checkpoint]).Concat(args.Skip(verb))
            .Select(a => a == "IMAGES" ? images : a);
        var (code, error) = MsnWithError([.. full]);
        Assert.Equal(1, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_splits_file_exits_with_1_and_names_the_file()
    {
        string checkpoint = TinySetup.WriteCheckpoint(_dir);
        string images = TinySetup.WriteImageFolder(_dir);
        string notJson = Path.Combine(_dir, "splits.txt"), outside = Path.Combine(_dir, "outside.json"),
            words = Path.Combine(_dir, "words.json");
        File.WriteAllText(notJson, "seed0_k1: 1, 2");
        File.WriteAllText(outside, """{"splits": {"seed0_k1": [0, 1, 99999]}}""");
        File.WriteAllText(words, """{"splits": {"seed0_k1": ["a"]}}""");
        foreach (var (file, fragment) in new[]
                 {
                     (notJson, "splits.txt: not valid JSON"), (outside, "index 99999 is outside the"),
                     (words, "words.json: splits.seed0_k1 holds a"), (Path.Combine(_dir, "none.json"),
                         "none.json: file not found"),
                 })
        {
            var (code, error) = MsnWithError("eval", "lowshot", "-c", checkpoint, "--data", images, "--splits-file",
                file, "--no-cache");
            Assert.Equal(1, code);
            Assert.Contains(fragment, error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_file_that_is_no_checkpoint_exits_with_1()
    {
        string bad = Path.Combine(_dir, "bad.safetensors");
        File.WriteAllText(bad, "not a checkpoint at all");
        var (code, error) = MsnWithError("export", bad, "-o", Path.Combine(_dir, "o.safetensors"));
        Assert.Equal(1, code);
        Assert.Contains("bad.safetensors", error, StringComparison.Ordinal);
        (code, error) = MsnWithError("eval", "lowshot", "-c", Path.Combine(_dir, "missing.safetensors"), "--data",
            TinySetup.WriteImageFolder(_dir));
        Assert.Equal(1, code);
        Assert.Contains("missing.safetensors", error, StringComparison.Ordinal);
    }

    private static int Fail() => throw new ArgumentException("a bug deep inside");

    [Fact]
    public void An_argument_exception_from_inside_is_an_internal_error()
    {
        var root = new System.CommandLine.RootCommand();
        var bug = new System.CommandLine.Command("bug");
        bug.SetAction((System.CommandLine.ParseResult _) => Fail());
        root.Subcommands.Add(bug);
        using var error = new StringWriter();
        Assert.Equal(CliRunner.InternalError, CliRunner.Run(root, ["bug"], error));
        Assert.Contains("msn: internal error: System.ArgumentException: a bug deep inside", error.ToString(),
            StringComparison.Ordinal);
    }
}
