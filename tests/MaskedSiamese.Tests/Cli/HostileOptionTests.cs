using MaskedSiamese.Tests.Evaluation;
using MaskedSiamese.Tests.Support;

namespace MaskedSiamese.Tests.Cli;

/// <summary>Values that passed validation and then failed with a stack trace (exit 2), and a failed start that
/// blocked its own re-run: each refused in one line now, or recovered.</summary>
public sealed class HostileOptionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-hostile-options-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static (int Code, string Error) Msn(params string[] args) => InProcessMsn.Run(args);

    [Theory]
    [InlineData("optimization.lr=1e308", "optimization.lr")]
    [InlineData("optimization.weight_decay=1e300", "optimization.weight_decay")]
    [InlineData("data.eval_resize=100000", "data.eval_resize")]
    [InlineData("data.std=[1e-38,1e-38,1e-38]", "data.std")]
    [InlineData(
        "logging.write_tag=tttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt" +
        "tttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt" +
        "tttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt", "logging.write_tag")]
    public void Recipe_values_beyond_what_training_can_hold_are_refused_before_anything_is_written(string set,
        string key)
    {
        string run = Path.Combine(_dir, "run");
        var (code, error) = Msn("pretrain", "--config", "smoke", "--no-eval", "-o", run, "--set", set);
        Assert.Equal(1, code);
        Assert.Contains(key, error);
        Assert.DoesNotContain('\n', error);
        Assert.False(File.Exists(Path.Combine(run, "config.yaml")));
    }

    [Fact]
    public void A_fine_tuning_rate_beyond_float32_is_refused_and_fit_on_one_class_names_the_folder()
    {
        string checkpoint = TinySetup.WriteCheckpoint(_dir);
        string images = TinySetup.WriteImageFolder(_dir, trainPerClass: 2, valPerClass: 1);
        var (code, error) = Msn("finetune", "-c", checkpoint, "--data", Path.Combine(images, "train"), "-o",
            Path.Combine(_dir, "f.msnc"), "--lr", "1e308");
        Assert.Equal(1, code);
        Assert.Contains("float32", error);

        string one = Path.Combine(_dir, "one");
        Directory.CreateDirectory(one);
        Directory.Move(Path.Combine(images, "train", "c0"), Path.Combine(one, "c0"));
        (code, error) = Msn("fit", "-c", checkpoint, "--data", one, "-o", Path.Combine(_dir, "x.msnc"));
        Assert.Equal(1, code);
        Assert.Contains(one, error);
        Assert.Contains("'c0'", error);
    }

    [Fact]
    public void A_run_that_stopped_before_its_first_step_leaves_a_folder_a_plain_re_run_can_use()
    {
        string run = Path.Combine(_dir, "run");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, "config.yaml"), "meta: {}\n");
        File.WriteAllText(Path.Combine(run, "smoke.csv"), "step,epoch,loss\n");   // the log header, no row
        var (code, error) = Msn("pretrain", "--config", "smoke", "--no-eval", "-o", run, "--max-steps", "1", "--set",
            "criterion.batch_size=8");
        Assert.True(code == 0, error);

        // A log with rows is a run: refused without --resume or --overwrite, as before.
        (code, error) = Msn("pretrain", "--config", "smoke", "--no-eval", "-o", run, "--max-steps", "1", "--set",
            "criterion.batch_size=8");
        Assert.Equal(1, code);
        Assert.Contains("--resume", error);
    }

    [Fact]
    public void Resuming_with_another_recipe_is_refused_naming_the_keys_unless_allowed()
    {
        string run = Path.Combine(_dir, "run");
        string[] recipe = ["pretrain", "--config", "smoke", "--no-eval", "-o", run, "--set", "criterion.batch_size=8"];
        Assert.Equal(0, Msn([.. recipe, "--max-steps", "1"]).Code);
        var (code, error) = Msn([.. recipe, "--max-steps", "2", "--resume", "--set", "optimization.lr=0.5", "--set",
            "meta.seed=7"]);
        Assert.Equal(1, code);
        Assert.Contains("meta.seed, optimization.lr", error);
        Assert.DoesNotContain('\n', error);
        (code, error) = Msn([.. recipe, "--max-steps", "2", "--resume"]);   // a new stop step is no new recipe
        Assert.True(code == 0, error);
        (code, error) = Msn([.. recipe, "--max-steps", "3", "--resume", "--set", "optimization.lr=0.5",
            "--allow-recipe-change"]);
        Assert.True(code == 0, error);
    }
}
