using System.Globalization;
using System.Text;
using System.Text.Json;
using MaskedSiamese.IO;
using TorchSharp;

namespace MaskedSiamese.Diagnostics;

/// <summary>
/// The per-step log of a run: <c>{tag}.csv</c> and <c>{tag}.jsonl</c> in the run folder, and TensorBoard scalars under
/// <c>tensorboard/</c>. Rows are named values (step, epoch, then whatever the task measures, under the official metric
/// names for MSN); the first row fixes the CSV columns. Opening a log for a resumed run drops rows after the resume
/// step, so the files read as one uninterrupted run.
/// </summary>
public sealed class RunLog : IDisposable
{
    private readonly StreamWriter _csv;
    private readonly StreamWriter _jsonl;
    private readonly TorchSharp.Modules.SummaryWriter? _tensorboard;
    private string[]? _columns;

    /// <summary>Opens (or continues) the log in <paramref name="folder"/>.</summary>
    /// <param name="folder">The run folder.</param>
    /// <param name="tag">The file names' stem (the run's <c>write_tag</c>).</param>
    /// <param name="resumeStep">Rows with a step ≥ this are dropped (null: start fresh, deleting old logs).</param>
    /// <param name="tensorboard">Whether to write TensorBoard events.</param>
    public RunLog(string folder, string tag, long? resumeStep, bool tensorboard)
    {
        Directory.CreateDirectory(folder);
        CsvPath = Path.Combine(folder, tag + ".csv");
        JsonlPath = Path.Combine(folder, tag + ".jsonl");
        if (resumeStep is { } keepBelow)
        {
            TruncateAfter(CsvPath, keepBelow, header: true);
            TruncateAfter(JsonlPath, keepBelow, header: false);
        }
        else
        {
            File.Delete(CsvPath);
            File.Delete(JsonlPath);
            // Old events would interleave with the new run's at the same steps.
            string events = Path.Combine(folder, "tensorboard");
            if (tensorboard && Directory.Exists(events)) Directory.Delete(events, recursive: true);
        }
        if (File.Exists(CsvPath) && File.ReadLines(CsvPath).FirstOrDefault() is { Length: > 0 } header)
            _columns = header.Split(',');
        _csv = new StreamWriter(CsvPath, append: true, new UTF8Encoding(false));
        _jsonl = new StreamWriter(JsonlPath, append: true, new UTF8Encoding(false));
        if (tensorboard) _tensorboard = torch.utils.tensorboard.SummaryWriter(Path.Combine(folder, "tensorboard"));
    }

    /// <summary>The CSV file.</summary>
    public string CsvPath { get; }

    /// <summary>The JSON-lines file.</summary>
    public string JsonlPath { get; }

    /// <summary>Appends one row: named values, beginning with <c>step</c> (the same names in the same order on every
    /// row of a run).</summary>
    public void Write(IReadOnlyList<NamedValue> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0 || values[0].Name != "step")
            throw new ArgumentException("a log row begins with 'step'", nameof(values));
        if (_columns is null)
        {
            _columns = [.. values.Select(v => v.Name)];
            _csv.WriteLine(string.Join(",", _columns));
        }
        else if (!_columns.SequenceEqual(values.Select(v => v.Name)))
        {
            throw new InvalidOperationException($"{CsvPath}: its columns ({string.Join(",", _columns)}) " +
                $"differ from this run's");
        }
        _csv.WriteLine(string.Join(",", values.Select(v => v.Value.ToString("R", CultureInfo.InvariantCulture))));
        // JSON has no NaN: a value not measured at this step (a monitor's, between its measurements) is null there.
        _jsonl.WriteLine(JsonSerializer.Serialize(
            values.ToDictionary(v => v.Name, v => double.IsFinite(v.Value) ? v.Value : (double?)null)));
        _csv.Flush();
        _jsonl.Flush();
        if (_tensorboard is not null)
        {
            int step = checked((int)values[0].Value);
            var scalars = values.Where(v => v.Name is not ("step" or "epoch") && double.IsFinite(v.Value));
            foreach (var (name, value) in scalars)
                _tensorboard.add_scalar("train/" + name, (float)value, step);
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
