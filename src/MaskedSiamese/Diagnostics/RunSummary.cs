using System.Text.Json;

namespace MaskedSiamese.Diagnostics;

/// <summary>What a run folder says about its run, for comparing runs: steps, minutes of training, the last loss and
/// monitor figures, and the low-shot means when the run was evaluated.</summary>
/// <param name="Folder">The run folder.</param>
/// <param name="Steps">Steps logged (the last logged step + 1).</param>
/// <param name="Minutes">Minutes of training: the logged steps' mean time (step and data wait) times the steps.</param>
/// <param name="Loss">The last logged loss.</param>
/// <param name="Knn">The last k-NN top-1 % the monitor measured, or NaN.</param>
/// <param name="RankMe">The last RankMe the monitor measured, or NaN.</param>
/// <param name="LowShot">Low-shot top-1 % of the run's checkpoint by labels per class (from <c>lowshot.json</c>), or
/// empty.</param>
/// <param name="Monitor">(steps done, minutes, k-NN %, RankMe) of every monitor measurement.</param>
public sealed record RunSummary(string Folder, long Steps, double Minutes, double Loss, double Knn, double RankMe,
    IReadOnlyDictionary<int, double> LowShot,
    IReadOnlyList<(double Step, double Minutes, double Knn, double RankMe)> Monitor)
{
    /// <summary>Reads the run in <paramref name="folder"/>: its log (the one <c>*.csv</c> beside
    /// <c>config.yaml</c>) and, when present, <c>lowshot.json</c>.</summary>
    /// <exception cref="InvalidDataException">No run log, or several, in the folder.</exception>
    public static RunSummary Read(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"run folder '{folder}' does not exist");
        var logs = Directory.GetFiles(folder, "*.csv");
        if (logs.Length != 1)
            throw new InvalidDataException($"{folder}: expected one run log (*.csv), found {logs.Length}");
        var rows = RunLog.ReadCsv(logs[0]);
        if (rows.Count == 0) throw new InvalidDataException($"{logs[0]}: the log has no rows");
        double msPerStep = rows.Average(r => r["ms"] + r["data_ms"]);
        double Minutes(double step) => (step + 1) * msPerStep / 60_000;
        var measured = rows.Where(r => r.TryGetValue("knn", out double k) && double.IsFinite(k)).ToList();
        // The log's step is 0-based: the monitor measured after step + 1 steps, as its progress line says.
        var monitor = measured.Select(r => (r["step"] + 1, Minutes(r["step"]), r["knn"], r["rankme"])).ToList();
        var last = rows[^1];
        return new RunSummary(Path.GetFullPath(folder), (long)last["step"] + 1, Minutes(last["step"]), last["loss"],
            measured.Count > 0 ? measured[^1]["knn"] : double.NaN,
            measured.Count > 0 ? measured[^1]["rankme"] : double.NaN, LowShotMeans(folder), monitor);
    }

    private static Dictionary<int, double> LowShotMeans(string folder)
    {
        string path = Path.Combine(folder, "lowshot.json");
        var means = new Dictionary<int, double>();
        if (!File.Exists(path)) return means;
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        foreach (var set in json.RootElement.GetProperty("featureSets").EnumerateArray())
        {
            if (set.GetProperty("name").GetString() != "msn") continue;
            foreach (var s in set.GetProperty("summaries").EnumerateArray())
                means[s.GetProperty("shotsPerClass").GetInt32()] = 100 * s.GetProperty("mean").GetDouble();
        }
        return means;
    }
}
