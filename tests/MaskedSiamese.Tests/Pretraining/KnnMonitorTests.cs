using MaskedSiamese.Checkpoints;
using MaskedSiamese.Configuration;
using MaskedSiamese.Data;
using MaskedSiamese.Data.Augmentation;
using MaskedSiamese.Diagnostics;
using MaskedSiamese.Pretraining;
using MaskedSiamese.Tests.Data;
using MaskedSiamese.Tests.Support;

namespace MaskedSiamese.Tests.Pretraining;

public sealed class KnnMonitorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-monitor-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private MsnConfig Smoke(params string[] more) => ConfigPresets.Load("smoke",
        [$"logging.folder={Path.Combine(_dir, "run")}", "meta.threads=1", "meta.precision=fp32", .. more]);

    [Fact]
    public void It_measures_every_n_steps_and_at_epoch_ends_and_is_off_for_data_without_a_monitor_set()
    {
        using var monitor = new KnnMonitor(new SyntheticSource(6, 20, 20), new SyntheticSource(4, 20, 20), 10,
            EvalTransform.FashionMnistDefaults with
            {
                ResizeTo = 16,
                CropSize = 16,
                Mean = [0.5f, 0.5f, 0.5f],
                Std = [0.25f, 0.25f, 0.25f],
            }, every: 30, stepsPerEpoch: 45);
        Assert.Equal([30L, 45, 60, 90, 120, 135], Enumerable.Range(1, 140).Select(i => (long)i).Where(monitor.IsDue));
        Assert.Null(KnnMonitor.ForConfig(Smoke($"data.dataset={_dir}"), 10, 100));
        Assert.Null(KnnMonitor.ForConfig(Smoke("logging.monitor_every=-1"), 10, 100));
    }

    [FashionMnistFact]
    public void The_default_cadence_is_ten_times_per_run_on_steps_the_loop_logs()
    {
        using var monitor = KnnMonitor.ForConfig(Smoke("logging.log_every=10"), stepsPerEpoch: 468, totalSteps: 3744);
        Assert.NotNull(monitor);
        Assert.Equal(380, monitor.Every);   // 375 rounded up to a logged step
    }

    [FashionMnistFact]
    public void Monitoring_a_run_logs_knn_and_rankme_and_changes_no_weight()
    {
        string watched = Path.Combine(_dir, "watched"), plain = Path.Combine(_dir, "plain");
        var request = new PretrainingRequest { Evaluate = false };
        PretrainingRun.Run(Smoke($"logging.folder={watched}", "logging.monitor_every=2"), request);
        PretrainingRun.Run(Smoke($"logging.folder={plain}", "logging.monitor_every=-1"), request);

        var rows = RunLog.ReadCsv(Path.Combine(watched, "smoke.csv"));
        Assert.Equal(4, rows.Count);
        Assert.All(rows.Where((_, i) => i % 2 == 0), r => Assert.True(double.IsNaN(r["knn"])));
        Assert.All(rows.Where((_, i) => i % 2 == 1), r =>
        {
            Assert.InRange(r["knn"], 10.0, 100.0);   // 10 classes: a trained or even a random encoder beats chance
            Assert.InRange(r["rankme"], 1.0, 32.0);  // at most the embedding's width
        });
        Assert.DoesNotContain("knn", File.ReadLines(Path.Combine(plain, "smoke.csv")).First(),
            StringComparison.Ordinal);
        using var a = MsnCheckpoint.Load(Path.Combine(watched, "checkpoints", "smoke-latest.safetensors"));
        using var b = MsnCheckpoint.Load(Path.Combine(plain, "checkpoints", "smoke-latest.safetensors"));
        foreach (var (name, t) in a.Encoder!)
            Assert.True(t.equal(b.Encoder![name]).all().item<bool>(), $"encoder.{name}");
        foreach (var (name, t) in a.TargetEncoder!)
            Assert.True(t.equal(b.TargetEncoder![name]).all().item<bool>(), $"target_encoder.{name}");
    }

    [FashionMnistFact]
    public void A_recipe_without_me_max_and_sinkhorn_collapses_and_is_stopped_there_while_the_default_is_not()
    {
        var request = new PretrainingRequest { Evaluate = false, StopOnCollapse = true };
        string[] steps = ["optimization.max_steps=300", "criterion.batch_size=32", "logging.monitor_every=-1"];
        var collapsing = PretrainingRun.Run(Smoke([$"logging.folder={Path.Combine(_dir, "collapsing")}",
            "criterion.me_max=false", "criterion.use_sinkhorn=false", .. steps]), request);
        Assert.NotNull(collapsing.Collapse);
        Assert.False(collapsing.Outcome.Completed);
        Assert.Equal(collapsing.Collapse.Step, collapsing.Outcome.StepsDone);   // stopped after the step that showed it
        Assert.True(File.Exists(collapsing.Outcome.LatestCheckpoint));

        var healthy = PretrainingRun.Run(Smoke([$"logging.folder={Path.Combine(_dir, "healthy")}", .. steps]),
            request);
        Assert.Null(healthy.Collapse);
        Assert.Equal(300, healthy.Outcome.StepsDone);
    }

    /// <summary>FOLDER/cK/i.png, <paramref name="perClass"/> coloured images in each of <paramref name="classes"/>
    /// class folders (none: a flat folder).</summary>
    private string Folder(string name, int classes, int perClass)
    {
        string root = Directory.CreateDirectory(Path.Combine(_dir, name)).FullName;
        for (int c = 0; c < Math.Max(1, classes); c++)
        {
            string folder = classes == 0 ? root : Directory.CreateDirectory(Path.Combine(root, $"c{c}")).FullName;
            for (int i = 0; i < perClass; i++)
                TestImageFiles.WriteSkia(Path.Combine(folder, $"{c}_{i}.png"), 20, 20,
                    new SkiaSharp.SKColor((byte)(70 * c + 5 * i), 120, 40), SkiaSharp.SKEncodedImageFormat.Png);
        }
        return root;
    }

    [Fact]
    public void A_labelled_folder_is_a_monitor_set_and_an_unlabelled_missing_or_tiny_one_is_refused_by_name()
    {
        var eval = EvalTransformResolver.FromConfig(Smoke(), 16);
        using var monitor = KnnMonitor.ForFolder(DatasetLocation.Parse(Folder("labelled", 3, 10)), eval);
        Assert.Equal((24L, 6L), (monitor.BankImages, monitor.QueryImages));   // every fifth image a query

        string flat = Folder("flat", 0, 10), tiny = Folder("tiny", 3, 1), missing = Path.Combine(_dir, "none");
        Assert.StartsWith($"logging.monitor_data {flat}: needs labelled images (class subfolders",
            Assert.Throws<ConfigException>(() => KnnMonitor.ForFolder(DatasetLocation.Parse(flat), eval)).Message,
            StringComparison.Ordinal);
        Assert.Contains("are too few for 3 classes",
            Assert.Throws<ConfigException>(() => KnnMonitor.ForFolder(DatasetLocation.Parse(tiny), eval)).Message,
            StringComparison.Ordinal);
        Assert.StartsWith($"logging.monitor_data {missing}: ",
            Assert.Throws<ConfigException>(() => KnnMonitor.ForFolder(DatasetLocation.Parse(missing), eval)).Message,
            StringComparison.Ordinal);

        // A run on that folder with --monitor-data: the refusal comes before the first step.
        string run = Path.Combine(_dir, "refused");
        var config = Smoke($"logging.folder={run}", $"data.dataset={Folder("train", 3, 10)}",
            $"logging.monitor_data={flat}", "criterion.batch_size=4");
        Assert.Throws<ConfigException>(() => PretrainingRun.Run(config, new PretrainingRequest { Evaluate = false }));
        Assert.False(File.Exists(Path.Combine(run, "smoke.csv")));
    }
}
