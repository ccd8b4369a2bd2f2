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
/// CPU, steps, time, throughput), the training and monitor charts, the low-shot and label-selection tables and the
/// recipe. Charts are embedded, so the file opens anywhere without the network or the rest of the run folder. Written
/// after training and again after the evaluation.
/// </summary>
public static class RunReport
{
    /// <summary>The report's file name in the run folder.</summary>
    public const string FileName = "report.html";

    /// <summary>Writes the report of <paramref name="setup"/>'s run into its run folder (atomically); its
    /// path.</summary>
    /// <param name="setup">The run.</param>
    /// <param name="outcome">How training ended.</param>
    /// <param name="evaluation">The evaluation after training, when it ran.</param>
    public static string Write(PretrainingSetup setup, TrainingOutcome outcome, PretrainingResult? evaluation = null)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(outcome);
        string folder = setup.Loop.RunFolder ?? throw new ArgumentException("the setup writes no run folder",
            nameof(setup));
        var html = new StringBuilder();
        string title = $"MSN pretraining: {Path.GetFileName(folder.TrimEnd(Path.DirectorySeparatorChar))}";
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
            .Append(Encode(title)).Append("</title>\n<style>").Append(Style).Append("</style></head><body>\n")
            .Append("<h1>").Append(Encode(title)).Append("</h1>\n");
        AppendRun(html, setup, outcome);
        html.Append("<h2>Training</h2>\n");
        AppendImage(html, Path.Combine(folder, "loss_curve.png"), "loss, its terms and np against the step");
        AppendImage(html, Path.Combine(folder, "monitor.png"), "k-NN top-1 % and RankMe of the target encoder");
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

    private static void AppendRun(StringBuilder html, PretrainingSetup setup, TrainingOutcome outcome)
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
                $"({(outcome.Completed ? "completed" : "stopped; continue with --resume")}), batch {batch}")),
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

    private static void AppendImage(StringBuilder html, string png, string caption)
    {
        if (!File.Exists(png)) return;
        html.Append("<figure><img alt=\"").Append(Encode(caption)).Append("\" src=\"data:image/png;base64,")
            .Append(Convert.ToBase64String(File.ReadAllBytes(png))).Append("\"><figcaption>")
            .Append(Encode(caption)).Append("</figcaption></figure>\n");
    }

    private static void AppendText(StringBuilder html, string text) =>
        html.Append("<pre>").Append(Encode(text)).Append("</pre>\n");

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private const string Style =
        "body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}" +
        "table{border-collapse:collapse}th,td{text-align:left;padding:.2em .8em;border-bottom:1px solid #ddd}" +
        "pre{background:#f6f6f6;padding:.8em;overflow-x:auto}img{max-width:100%}figcaption{color:#666}";
}
