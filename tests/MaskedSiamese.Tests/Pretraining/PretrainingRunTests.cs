using System.Text.RegularExpressions;
using MaskedSiamese.Configuration;
using MaskedSiamese.Engine;
using MaskedSiamese.Evaluation;
using MaskedSiamese.Pretraining;
using MaskedSiamese.Selection;
using MaskedSiamese.Tests.Data;
using MaskedSiamese.Tests.Support;
using MaskedSiamese.Training;
using SkiaSharp;

namespace MaskedSiamese.Tests.Pretraining;

/// <summary>The library's one way into pretraining, as a program calls it: a configuration in, events out through
/// the observer, files in the run folder, nothing printed.</summary>
[Collection(ProcessWideTestGroup.Name)]   // one test watches the process's standard output
public sealed class PretrainingRunTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-run-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    /// <summary>12 coloured images in 3 class folders, and a file named .png that is not an image.</summary>
    private string Images()
    {
        string root = Path.Combine(_dir, "images");
        for (int c = 0; c < 3; c++)
        {
            string folder = Directory.CreateDirectory(Path.Combine(root, $"c{c}")).FullName;
            for (int i = 0; i < 4; i++)
                TestImageFiles.WriteSkia(Path.Combine(folder, $"{i}.png"), 20, 20,
                    new SKColor((byte)(60 * c + 9 * i), 90, 200), SKEncodedImageFormat.Png);
        }
        File.WriteAllText(Path.Combine(root, "c0", "broken.png"), "not an image");
        return root;
    }

    private MsnConfig Tiny(params string[] more) => ConfigPresets.Load("smoke",
    [
        $"data.dataset={Images()}", $"logging.folder={Path.Combine(_dir, "run")}", "optimization.max_steps=null",
        "optimization.epochs=2", "criterion.batch_size=4", "meta.threads=1", "meta.precision=fp32",
        "logging.checkpoint_every=0", "data.mean=[0.5]", "data.std=[0.25]", .. more,
    ]);

    [Fact]
    public void A_run_reports_its_plan_every_step_and_its_outcome_through_the_observer_and_prints_nothing()
    {
        var observer = new RecordingObserver();
        var (result, printed) = StandardOutput.Capture(() =>
            PretrainingRun.Run(Tiny(), new PretrainingRequest { Evaluate = false }, observer));

        Assert.Equal("", printed);
        Assert.True(result.Outcome.Completed);
        Assert.Null(result.LowShot);
        Assert.Equal(6, result.Outcome.StepsDone);   // 12 readable images, batch 4, 2 epochs
        Assert.Equal(["started", .. Enumerable.Repeat("step", 6), "trained"], observer.Events);
        Assert.Equal(12, observer.Setup!.Source.Count);
        Assert.Equal(1, observer.Setup.Source.SkippedCount);
        Assert.Contains("broken.png", observer.Notes.ToString(), StringComparison.Ordinal);
        Assert.Equal(3, observer.Setup.Recipe.Schedule.IterationsPerEpoch);   // the loader's, not patched in later
        Assert.True(File.Exists(result.Outcome.LatestCheckpoint));
        Assert.True(File.Exists(Path.Combine(_dir, "run", "config.yaml")));

        // One page that needs nothing else: the run's facts, the embedded chart, the recipe, no link out.
        string report = File.ReadAllText(Path.Combine(_dir, "run", RunReport.FileName));
        Assert.Contains("fp32 (meta.precision: fp32)", report, StringComparison.Ordinal);
        Assert.Contains("6 of 6 (completed)", report, StringComparison.Ordinal);
        Assert.Contains("src=\"data:image/png;base64,", report, StringComparison.Ordinal);
        Assert.Contains("write_tag: smoke", report, StringComparison.Ordinal);
        Assert.DoesNotContain("http", report, StringComparison.Ordinal);
    }

    [Fact]
    public void The_report_is_rewritten_at_every_checkpoint_while_training_and_at_the_end()
    {
        var observer = new RecordingObserver { ReportOf = Path.Combine(_dir, "run", RunReport.FileName) };
        // 3 steps an epoch, 2 epochs: checkpoints at steps 2 (checkpoint_every), 3 (epoch end), 4 and 6 (the end).
        var result = PretrainingRun.Run(Tiny("logging.checkpoint_every=2"), new PretrainingRequest { Evaluate = false },
            observer);

        Assert.Equal(6, result.Outcome.StepsDone);
        Assert.Equal([null, "2 of 6 (training", "3 of 6 (training", "4 of 6 (training", "4 of 6 (training",
            "4 of 6 (training"], observer.Reports.Select(r => r?.Steps));
        Assert.All(observer.Reports.Skip(1), r =>
        {
            Assert.True(r!.Refreshes);   // a page open in a browser follows the run
            Assert.True(r.Charts >= 2, $"{r.Charts} charts");   // the loss and the schedules, from the log so far
        });
        var end = ReportSeen.Read(observer.ReportOf);
        Assert.Equal("6 of 6 (completed", end!.Steps);
        Assert.False(end.Refreshes);
        Assert.Empty(Directory.GetFiles(Path.Combine(_dir, "run"), "*.tmp"));   // each write renamed into place
    }

    [Fact]
    public void A_completed_run_with_a_monitor_maps_its_monitor_set_into_the_report()
    {
        string images = Images();
        var result = PretrainingRun.Run(Tiny($"logging.monitor_data={images}"),
            new PretrainingRequest { Evaluate = false });

        Assert.True(result.Outcome.Completed);
        string run = Path.Combine(_dir, "run");
        byte[] map = File.ReadAllBytes(Path.Combine(run, MonitorMap.FileName));
        Assert.True(map.Length > 1000);
        string report = File.ReadAllText(Path.Combine(run, RunReport.FileName));
        Assert.Contains(Convert.ToBase64String(map), report, StringComparison.Ordinal);
        Assert.Contains("exact t-SNE", report, StringComparison.Ordinal);
    }

    [Fact]
    public void Weights_of_another_encoder_and_too_few_images_are_refused_before_the_first_step()
    {
        var observer = new RecordingObserver();
        var e = Assert.Throws<ConfigException>(() =>
            PretrainingRun.Run(Tiny("criterion.batch_size=64"), new PretrainingRequest(), observer));
        Assert.Contains("12 readable images are fewer than one batch of 64 (criterion.batch_size)", e.Message,
            StringComparison.Ordinal);
        Assert.Empty(observer.Events);

        PretrainingRun.Run(Tiny(), new PretrainingRequest { Evaluate = false });
        string weights = Path.Combine(_dir, "run", "checkpoints", "smoke-latest.safetensors");
        var other = Assert.Throws<ConfigException>(() => PretrainingRun.Run(
            Tiny("meta.embed_dim=48", $"logging.folder={Path.Combine(_dir, "other")}"),
            new PretrainingRequest { InitFrom = weights }, observer));
        Assert.Contains($"--init-from {weights}: its encoder", other.Message, StringComparison.Ordinal);
        Assert.Empty(observer.Events);
    }

    /// <summary>What a report page says: its "steps" row up to the parenthesis' first word, whether it reloads itself
    /// and how many charts it embeds.</summary>
    private sealed record ReportSeen(string Steps, bool Refreshes, int Charts)
    {
        public static ReportSeen? Read(string path)
        {
            if (!File.Exists(path)) return null;
            string html = File.ReadAllText(path);
            var steps = Regex.Match(html, @"<th>steps</th><td>([^<(]*\([a-z]+)").Groups[1].Value;
            return new ReportSeen(steps, html.Contains("http-equiv=\"refresh\"", StringComparison.Ordinal),
                Regex.Count(html, "<img "));
        }
    }

    private sealed class RecordingObserver : IPretrainingObserver
    {
        public List<string> Events { get; } = [];
        public string ReportOf { get; init; } = "";
        public List<ReportSeen?> Reports { get; } = [];
        public PretrainingSetup? Setup { get; private set; }
        public StringWriter Notes { get; } = new();
        TextWriter? IPretrainingObserver.Notes => Notes;

        public void Started(PretrainingSetup setup)
        {
            Setup = setup;
            Events.Add("started");
        }

        public void Stepped(TrainingProgress progress)
        {
            Events.Add("step");
            if (ReportOf.Length > 0) Reports.Add(ReportSeen.Read(ReportOf));
        }

        public void Trained(TrainingOutcome outcome) => Events.Add("trained");
        public void Collapsing(CollapseSign sign, bool stopping) => Events.Add("collapse");
        public void LowShotStarting() => Events.Add("lowshot");
        public void LowShotDone(LowShotEvaluationResult result, string jsonPath, string chartPath) =>
            Events.Add("lowshot done");
        public void SelectionStarting(SelectionEvaluationOptions options) => Events.Add("selection");

        public void SelectionDone(IReadOnlyList<SelectionScore> scores, SelectionEvaluationOptions options,
            string? jsonPath, TimeSpan elapsed) => Events.Add("selection done");
    }
}
