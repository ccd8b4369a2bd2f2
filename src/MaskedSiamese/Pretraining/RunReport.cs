using System.Globalization;
using System.Net;
using System.Text;
using MaskedSiamese.Configuration;
using MaskedSiamese.Diagnostics;
using MaskedSiamese.Engine;
using MaskedSiamese.Evaluation;
using MaskedSiamese.IO;
using MaskedSiamese.Selection;

namespace MaskedSiamese.Pretraining;

/// <summary>
/// One HTML page per run, <c>report.html</c> in the run folder: the run and its host (data, model, precision and why,
/// CPU, steps, time, throughput), the training, monitor and schedule charts, the map of the monitor set's embeddings,
/// the low-shot and label-selection tables and the recipe. Charts are embedded, so the file opens anywhere without the
/// network or the rest of the run folder. Written at every checkpoint while training (<see cref="WriteDuringRun"/>),
/// after training and again after the evaluation; each write replaces the file atomically, so a browser never reads
/// half a page.
/// </summary>
public static class RunReport
{
    /// <summary>The report's file name in the run folder.</summary>
    public const string FileName = "report.html";

    // A page written while training reloads itself this often, so a browser left on it follows the run.
    private const int RefreshSeconds = 60;

    /// <summary>Writes the report of <paramref name="setup"/>'s run into its run folder (atomically); its
    /// path.</summary>
    /// <param name="setup">The run.</param>
    /// <param name="outcome">How training ended.</param>
    /// <param name="evaluation">The evaluation after training, when it ran.</param>
    /// <param name="map">The map of the monitor set's embeddings (<see cref="MonitorMap"/>) and the seconds it took,
    /// when drawn.</param>
    public static string Write(PretrainingSetup setup, TrainingOutcome outcome, PretrainingResult? evaluation = null,
        (byte[] Png, double Seconds)? map = null)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(outcome);
        return Save(setup, outcome, null, evaluation, map);
    }

    /// <summary>Writes the report of a run still training (atomically): <paramref name="sofar"/> holds the steps done
    /// and the time so far; the page says the run is in progress and reloads itself every minute. No map and no
    /// evaluation yet; its path.</summary>
    /// <param name="setup">The run.</param>
    /// <param name="sofar">The run so far (<see cref="TrainingOutcome.Completed"/> is ignored).</param>
    /// <param name="stopStep">The step this run stops at (the schedule's end or the step limit).</param>
    /// <param name="eta">The estimated time to <paramref name="stopStep"/>.</param>
    public static string WriteDuringRun(PretrainingSetup setup, TrainingOutcome sofar, long stopStep, TimeSpan eta)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(sofar);
        return Save(setup, sofar, (stopStep, eta), null, null);
    }

    // training: the step the run stops at and the time left to it, while it trains; null once it ended.
    private static string Save(PretrainingSetup setup, TrainingOutcome outcome,
        (long StopStep, TimeSpan Eta)? training, PretrainingResult? evaluation, (byte[] Png, double Seconds)? map)
    {
        string folder = setup.Loop.RunFolder ?? throw new ArgumentException("the setup writes no run folder",
            nameof(setup));
        var html = new StringBuilder();
        string title = $"MSN pretraining: {Path.GetFileName(folder.TrimEnd(Path.DirectorySeparatorChar))}";
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        if (training is not null) html.Append($"<meta http-equiv=\"refresh\" content=\"{RefreshSeconds}\">");
        html.Append("<title>").Append(Encode(title)).Append("</title>\n<style>").Append(Style)
            .Append("</style></head><body>\n<h1>").Append(Encode(title)).Append("</h1>\n");
        AppendRun(html, setup, outcome, training);
        AppendCharts(html, Path.Combine(folder, setup.Loop.Tag + ".csv"));
        AppendMap(html, setup, map, training is not null);
        if (evaluation?.LowShot is { } lowShot)
        {
            html.Append("<h2>Low-shot evaluation</h2>\n");
            AppendText(html, LowShotTable.Format(lowShot.Report));
            AppendImage(html, Path.Combine(folder, "lowshot.png"), "low-shot top-1 % against labels per class");
        }
        if (evaluation?.Selection is { Count: > 0 } selection)
        {
            html.Append("<h2>Label selection</h2>\n");
            AppendText(html, SelectionReport.Table(selection, PretrainingEvaluation.SelectionOptions));
        }
        html.Append("<h2>Recipe</h2>\n");
        AppendText(html, setup.Loop.ConfigText ?? setup.Recipe.ConfigText);
        html.Append("</body></html>\n");
        string path = Path.Combine(folder, FileName);
        AtomicFile.WriteAllText(path, html.ToString());
        return path;
    }

    // Drawn from the log each time, not read from the run folder's PNGs: those are written when training ends, so
    // during a run they are missing, or a previous run's.
    private static void AppendCharts(StringBuilder html, string csv)
    {
        html.Append("<h2>Training</h2>\n");
        if (!File.Exists(csv) || RunLog.ReadCsv(csv).Count == 0)
        {
            html.Append("<p>No step logged yet.</p>\n");
            return;
        }
        AppendImage(html, LossCurveChart.RenderPng(csv), "loss, its terms and np against the step");
        if (MonitorChart.HasMeasurements(csv))
            AppendImage(html, MonitorChart.RenderPng(csv), "k-NN top-1 % and RankMe of the target encoder");
        if (ScheduleChart.HasSchedules(csv))
            AppendImage(html, ScheduleChart.RenderPng(csv),
                "learning rate, weight decay and EMA momentum of each logged step");
    }

    private static void AppendMap(StringBuilder html, PretrainingSetup setup, (byte[] Png, double Seconds)? map,
        bool training)
    {
        if (setup.Monitor is not { } monitor) return;
        html.Append("<h2>Embedding map</h2>\n");
        if (map is not { } drawn)
        {
            html.Append(training
                ? "<p>The map of the monitor set's embeddings is drawn when the schedule completes.</p>\n"
                : "<p>The map of the monitor set's embeddings is drawn when the schedule completes; continue the " +
                  "run with --resume.</p>\n");
            return;
        }
        var tsne = new TsneOptions();   // the settings MonitorMap draws with
        AppendImage(html, drawn.Png, string.Create(CultureInfo.InvariantCulture,
            $"the {monitor.QueryImages} monitor query images' [CLS] features (target encoder, final checkpoint): " +
            $"PCA to at most {tsne.PcaDimensions} dimensions, then exact t-SNE (perplexity {tsne.Perplexity}, " +
            $"{tsne.Iterations} iterations), coloured by class; {drawn.Seconds:F1} s"));
    }

    private static void AppendRun(StringBuilder html, PretrainingSetup setup, TrainingOutcome outcome,
        (long StopStep, TimeSpan Eta)? training)
    {
        var inv = CultureInfo.InvariantCulture;
        var source = setup.Source;
        var collective = setup.Context.Collective;
        int batch = setup.Loader.Options.BatchSize * collective.WorldSize;
        double perStep = outcome.MeanStepMilliseconds + outcome.MeanDataWaitMilliseconds;
        var rows = new List<(string, string)>
        {
            ("data", string.Create(inv, $"{setup.Config.DataLocation()}: {source.Count} images, " +
                $"{source.SkippedCount} unreadable skipped")),
            ("model", PretrainingSetup.Describe(setup.Recipe.Architecture)),
            ("precision", setup.Precision.Reason),
            ("host", string.Create(inv, $"CPU {CpuFeatures.Current()}; {Environment.ProcessorCount} cores; " +
                $"{setup.Loop.Threads} threads per process; {collective.WorldSize} process(es)")),
            ("steps", string.Create(inv, $"{outcome.StepsDone} of {setup.Recipe.Schedule.TotalSteps} " +
                $"({State(outcome, setup.Recipe.Schedule.TotalSteps, training)}), batch {batch}")),
            ("time", string.Create(inv, $"{outcome.Seconds:F0} s, {perStep:F0} ms per step, " +
                $"{batch * 1000 / Math.Max(1e-9, perStep):F0} images/s")),
            ("checkpoint", outcome.LatestCheckpoint ?? "none"),
        };
        html.Append("<h2>Run</h2>\n<table>\n");
        foreach (var (name, value) in rows)
            html.Append("<tr><th>").Append(Encode(name)).Append("</th><td>").Append(Encode(value))
                .Append("</td></tr>\n");
        html.Append("</table>\n");
    }

    private static string State(TrainingOutcome outcome, long totalSteps, (long StopStep, TimeSpan Eta)? training)
    {
        if (training is not var (stop, eta)) return outcome.Completed ? "completed" : "stopped; continue with --resume";
        var inv = CultureInfo.InvariantCulture;
        string to = stop < totalSteps ? string.Create(inv, $" to step {stop}") : "";
        return string.Create(inv, $"training, about {Math.Ceiling(eta.TotalMinutes):F0} min left{to}") +
            "; this page is rewritten at every checkpoint";
    }

    private static void AppendImage(StringBuilder html, string png, string caption)
    {
        if (File.Exists(png)) AppendImage(html, File.ReadAllBytes(png), caption);
    }

    private static void AppendImage(StringBuilder html, byte[] png, string caption) =>
        html.Append("<figure><img alt=\"").Append(Encode(caption)).Append("\" src=\"data:image/png;base64,")
            .Append(Convert.ToBase64String(png)).Append("\"><figcaption>").Append(Encode(caption))
            .Append("</figcaption></figure>\n");

    private static void AppendText(StringBuilder html, string text) =>
        html.Append("<pre>").Append(Encode(text)).Append("</pre>\n");

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private const string Style =
        "body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}" +
        "table{border-collapse:collapse}th,td{text-align:left;padding:.2em .8em;border-bottom:1px solid #ddd}" +
        "pre{background:#f6f6f6;padding:.8em;overflow-x:auto}img{max-width:100%}figcaption{color:#666}";
}
