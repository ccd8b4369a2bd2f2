using MaskedSiamese.Cli;
using MaskedSiamese.Tests.Evaluation;

namespace MaskedSiamese.Tests.Selection;

/// <summary><c>msn select</c> and <c>msn eval selection</c> on a tiny generated image set.</summary>
public sealed class SelectCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-select-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static (int Code, string Error) Msn(params string[] args)
    {
        using var error = new StringWriter();
        int code = CliRunner.Run(CliApp.CreateRoot(), args, error);
        return (code, error.ToString());
    }

    private static List<string[]> Rows(string csv) => File.ReadAllLines(csv).Skip(1).Select(l => l.Split(',')).ToList();

    [Fact]
    public void Select_writes_the_chosen_images_then_takes_the_labelled_ones_into_account()
    {
        string train = Path.Combine(TinySetup.WriteImageFolder(_dir, trainPerClass: 8, valPerClass: 1), "train");
        string checkpoint = TinySetup.WriteCheckpoint(_dir);
        string first = Path.Combine(_dir, "first.csv"), again = Path.Combine(_dir, "again.csv");

        var (code, error) = Msn("select", "-c", checkpoint, "--data", train, "--budget", "3", "-o", first);
        Assert.True(code == 0, error);
        var chosen = Rows(first);
        Assert.Equal(3, chosen.Count);
        Assert.All(chosen, r => Assert.True(File.Exists(r[1]), r[1]));
        Assert.Equal(["1", "2", "3"], chosen.Select(r => r[0]));
        Assert.Equal(File.ReadAllText(first), RunAgain(checkpoint, train, again));   // deterministic for a seed

        // The three labelled (relative paths): three others come next.
        string labels = Path.Combine(_dir, "labels.csv");
        File.WriteAllLines(labels, ["path,label", .. chosen.Select(r => Path.GetRelativePath(train, r[1]) + ",x")]);
        (code, error) = Msn("select", "-c", checkpoint, "--data", train, "--budget", "3", "--labelled", labels, "-o",
            again);
        Assert.True(code == 0, error);
        Assert.Empty(Rows(again).Select(r => r[1]).Intersect(chosen.Select(r => r[1])));

        (code, error) = Msn("select", "--features", "pixels", "--data", train, "--budget", "4", "--strategy", "uniform",
            "-o", again);
        Assert.True(code == 0, error);
        Assert.Equal(4, Rows(again).Count);
    }

    private static string RunAgain(string checkpoint, string train, string path)
    {
        var (code, error) = Msn("select", "-c", checkpoint, "--data", train, "--budget", "3", "-o", path);
        Assert.True(code == 0, error);
        return File.ReadAllText(path);
    }

    [Fact]
    public void Bad_requests_are_refused_with_one_line_naming_the_option_or_file()
    {
        string train = Path.Combine(TinySetup.WriteImageFolder(_dir, trainPerClass: 2, valPerClass: 1), "train");
        string checkpoint = TinySetup.WriteCheckpoint(_dir);
        string output = Path.Combine(_dir, "o.csv"), labels = Path.Combine(_dir, "labels.csv"),
            empty = Path.Combine(_dir, "empty");
        Directory.CreateDirectory(empty);
        var cases = new List<(string[] Args, string Named, Action? Setup)>
        {
            (["select", "-c", checkpoint, "--data", train, "--budget", "7", "-o", output], "--budget 7", null),
            (["select", "--data", train, "--budget", "2", "-o", output], "--checkpoint", null),
            (["select", "-c", checkpoint, "--data", empty, "--budget", "1", "-o", output], empty, null),
            (["select", "-c", checkpoint, "--data", train, "--budget", "1", "--labelled", labels, "-o", output],
                $"{labels}:2", () => File.WriteAllLines(labels, ["path,label", "no-such.png,x"])),
            (["select", "-c", checkpoint, "--data", train, "--budget", "1", "--labelled", labels, "-o", output],
                $"{labels}:1", () => File.WriteAllLines(labels, ["just-a-path"])),
        };
        foreach (var (args, named, setup) in cases)
        {
            setup?.Invoke();
            var (code, error) = Msn(args);
            Assert.True(code == 1, $"{string.Join(' ', args)}: exit {code}: {error}");
            Assert.Contains(named, error, StringComparison.Ordinal);
            Assert.Single(error.TrimEnd().Split('\n'));
        }
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Eval_selection_scores_every_strategy_on_both_feature_sets()
    {
        string images = TinySetup.WriteImageFolder(_dir, trainPerClass: 6, valPerClass: 2);
        string checkpoint = TinySetup.WriteCheckpoint(_dir);
        string json = Path.Combine(_dir, "s.json");
        var (code, error) = Msn("eval", "selection", "-c", checkpoint, "--data", images, "--budgets", "3,6", "--seeds",
            "2", "--no-cache", "--json", json);
        Assert.True(code == 0, error);
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(json));
        var results = doc.RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(2 * 3 * 2, results.Count);   // msn and pixels × 3 strategies × 2 budgets
        Assert.All(results, r => Assert.Equal(2, r.GetProperty("accuracies").GetArrayLength()));
        Assert.All(results, r => Assert.InRange(r.GetProperty("mean").GetDouble(), 0, 100));

        // --no-baselines: the checkpoint's features only.
        (code, error) = Msn("eval", "selection", "-c", checkpoint, "--data", images, "--budgets", "3", "--seeds", "1",
            "--no-cache", "--no-baselines", "--json", json);
        Assert.True(code == 0, error);
        using var only = System.Text.Json.JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal(3, only.RootElement.GetProperty("results").GetArrayLength());   // msn × 3 strategies × 1 budget
    }
}
