using MaskedSiamese.IO;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MaskedSiamese.Training;
using TorchSharp;

namespace MaskedSiamese.Diagnostics;

/// <summary>
/// The per-step log of a run, under the official metric names: <c>log.csv</c> and <c>log.jsonl</c> in the run folder,
/// and TensorBoard scalars under <c>tensorboard/</c>. Opening a log for a resumed run drops rows after the resume step,
/// so the files read as one uninterrupted run.
/// </summary>
public sealed class RunLog : IDisposable
{
    private static readonly string[] Columns =
        ["step", "epoch", "loss", "msn", "me_max", "ent", "np", "max_t", "min_t", "lr", "wd", "momentum", "grad_norm", "ms", "data_ms"];

    private readonly StreamWriter _csv;
    private readonly StreamWriter _jsonl;
    private readonly TorchSharp.Modules.SummaryWriter? _tensorboard;

    /// <summary>Opens (or continues) the log in <paramref name="folder"/>.</summary>
    /// <param name="folder">The run folder.</param>
    /// <param name="resumeStep">Rows with a step ≥ this are dropped (null: start fresh, deleting old logs).</param>
    /// <param name="tensorboard">Whether to write TensorBoard events.</param>
    public RunLog(string folder, long? resumeStep, bool tensorboard)
    {
        Directory.CreateDirectory(folder);
        CsvPath = Path.Combine(folder, "log.csv");
        JsonlPath = Path.Combine(folder, "log.jsonl");
        if (resumeStep is { } keepBelow)
        {
            TruncateAfter(CsvPath, keepBelow, header: true);
            TruncateAfter(JsonlPath, keepBelow, header: false);
        }
        else
        {
            File.Delete(CsvPath);
            File.Delete(JsonlPath);
        }
        bool newCsv = !File.Exists(CsvPath);
        _csv = new StreamWriter(CsvPath, append: true, new UTF8Encoding(false));
        _jsonl = new StreamWriter(JsonlPath, append: true, new UTF8Encoding(false));
        if (newCsv) _csv.WriteLine(string.Join(",", Columns));
        if (tensorboard) _tensorboard = torch.utils.tensorboard.SummaryWriter(Path.Combine(folder, "tensorboard"));
    }

    /// <summary>The CSV file.</summary>
    public string CsvPath { get; }

    /// <summary>The JSON-lines file.</summary>
    public string JsonlPath { get; }

    /// <summary>Appends one step.</summary>
    public void Write(StepMetrics m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var values = Values(m);
        _csv.WriteLine(string.Join(",", values.Select(v => v.Value.ToString("R", CultureInfo.InvariantCulture))));
        _jsonl.WriteLine(JsonSerializer.Serialize(values.ToDictionary(v => v.Name, v => v.Value)));
        _csv.Flush();
        _jsonl.Flush();
        if (_tensorboard is not null)
        {
            int step = checked((int)m.Step);
            foreach (var (name, value) in values.Skip(2)) _tensorboard.add_scalar("train/" + name, (float)value, step);
        }
    }

    /// <summary>The rows of a CSV log written by this type (for charts and tests).</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, double>> ReadCsv(string path)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0) return [];
        var header = lines[0].Split(',');
        return lines.Skip(1).Where(l => l.Length > 0)
            .Select(l => (IReadOnlyDictionary<string, double>)header.Zip(l.Split(','))
                .ToDictionary(p => p.First, p => double.Parse(p.Second, CultureInfo.InvariantCulture)))
            .ToList();
    }

    private static (string Name, double Value)[] Values(StepMetrics m) =>
    [
        ("step", m.Step), ("epoch", m.Epoch), ("loss", m.Loss), ("msn", m.Msn), ("me_max", m.MeMax), ("ent", m.Entropy),
        ("np", m.Np), ("max_t", m.MaxT), ("min_t", m.MinT), ("lr", m.LearningRate), ("wd", m.WeightDecay),
        ("momentum", m.Momentum), ("grad_norm", m.GradNorm), ("ms", m.Milliseconds), ("data_ms", m.DataWaitMilliseconds),
    ];

    private static void TruncateAfter(string path, long keepBelow, bool header)
    {
        if (!File.Exists(path)) return;
        var kept = new List<string>();
        foreach (var (line, i) in File.ReadAllLines(path).Select((l, i) => (l, i)))
        {
            if (header && i == 0) { kept.Add(line); continue; }
            if (StepOf(line, header) is { } s && s < keepBelow) kept.Add(line);
        }
        AtomicFile.WriteAllText(path, kept.Count == 0 ? "" : string.Join("\n", kept) + "\n");
    }

    private static long? StepOf(string line, bool csv)
    {
        if (csv)
        {
            string first = line.Split(',')[0];
            return double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? (long)v : null;
        }
        try
        {
            using var doc = JsonDocument.Parse(line);
            return doc.RootElement.TryGetProperty("step", out var s) ? (long)s.GetDouble() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _csv.Dispose();
        _jsonl.Dispose();
    }
}
