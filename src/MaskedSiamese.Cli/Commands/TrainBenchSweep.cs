using System.Globalization;
using MaskedSiamese.Diagnostics;
using MaskedSiamese.Training;

namespace MaskedSiamese.Cli.Commands;

/// <summary>
/// <c>msn bench train --sweep KEY=V1,V2,...</c>: the training benchmark at each value of one config key, the list
/// repeated <c>--rounds</c> times so that a loaded machine's drift falls on every value alike. Beside images/s it
/// prints the speed-up over the first value and the FLOP-count ideal: the first value's step with its matrix-product
/// part scaled by the FLOP ratio and AdamW, EMA, clipping and data wait held at their measured first-value time.
/// </summary>
internal static class TrainBenchSweep
{
    /// <summary>The phases whose time does not follow model FLOPs.</summary>
    private static readonly string[] FixedPhases = ["clip", "adamw", "ema"];

    /// <summary>One timed value.</summary>
    internal sealed record Point(int Round, string Value, TrainingBenchmarkResult Result, double Speedup,
        double IdealSpeedup);

    /// <summary>One value over all rounds: the medians of its images/s, speed-up, ideal and share of the ideal gain
    /// ((speed-up − 1)/(ideal − 1), null where the ideal is 1). A median, because one round that a drifting machine
    /// slowed (25% between rounds on this machine kind) moves a mean but not the median of three or more.</summary>
    internal sealed record ValueMedian(string Value, int Rounds, double ImagesPerSecond, double Speedup,
        double IdealSpeedup, double? ShareOfIdealGain);

    public static IReadOnlyList<Point> Run(string recipe, IReadOnlyList<string> overrides, string sweep, int rounds,
        int timed)
    {
        int eq = sweep.IndexOf('=', StringComparison.Ordinal);
        var values = eq > 0
            ? sweep[(eq + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : [];
        if (values.Length == 0) throw new UserInputException($"--sweep '{sweep}': expected KEY=V1,V2,...");
        if (rounds < 1) throw new UserInputException($"--rounds {rounds}: must be ≥ 1");
        string key = sweep[..eq].Trim();
        var points = new List<Point>();
        for (int round = 1; round <= rounds; round++)
        {
            TrainingBenchmarkResult? baseline = null;
            foreach (var value in values)
            {
                Console.Error.WriteLine($"sweep round {round}: {key}={value}");
                var r = BenchCommand.RunOne(recipe, [.. overrides, $"{key}={value}"], timed, measureLoader: false);
                baseline ??= r;
                points.Add(new Point(round, value, r, r.ImagesPerSecond / baseline.ImagesPerSecond,
                    Ideal(baseline, r)));
            }
        }
        Print(key, points);
        return points;
    }

    /// <summary>Each value's medians over the rounds, in the sweep's order of values.</summary>
    public static IReadOnlyList<ValueMedian> Medians(IReadOnlyList<Point> points) =>
        [.. points.GroupBy(p => p.Value).Select(g => new ValueMedian(g.Key, g.Count(),
            Median.Of(g.Select(p => p.Result.ImagesPerSecond)), Median.Of(g.Select(p => p.Speedup)),
            Median.Of(g.Select(p => p.IdealSpeedup)),
            g.All(p => p.IdealSpeedup - 1 > 1e-6)
                ? Median.Of(g.Select(p => (p.Speedup - 1) / (p.IdealSpeedup - 1)))
                : null))];

    private static string Stolen(TrainingBenchmarkResult r) =>
        r.StolenCpuFraction is { } f ? (100 * f).ToString("F1", CultureInfo.InvariantCulture) + "%" : "—";

    private static double Ideal(TrainingBenchmarkResult baseline, TrainingBenchmarkResult point)
    {
        double fixedMs = baseline.MeanDataWaitMilliseconds
                         + FixedPhases.Sum(p => baseline.PhaseMilliseconds.GetValueOrDefault(p));
        return FlopCount.IdealSpeedup(baseline.MeanStepMilliseconds + baseline.MeanDataWaitMilliseconds, fixedMs,
            baseline.FlopsPerImage, point.FlopsPerImage);
    }

    private static void Print(string key, List<Point> points)
    {
        var inv = CultureInfo.InvariantCulture;
        var first = points[0].Result;
        Console.WriteLine($"sweep of {key} ({first.Threads} threads, batch {first.BatchSize}; CPU {first.Cpu})");
        Console.WriteLine("round  value      precision  images/s  ms/step  GFLOP/img  GFLOP/s  peak GFLOP/s  " +
            "% of peak  speed-up  ideal  (speed-up−1)/(ideal−1)  stolen");
        foreach (var p in points)
        {
            var r = p.Result;
            string share = p.IdealSpeedup - 1 > 1e-6
                ? ((p.Speedup - 1) / (p.IdealSpeedup - 1)).ToString("F2", inv)
                : "—";
            Console.WriteLine(string.Create(inv,
                $"{p.Round,5}  {p.Value,-9}  {r.Precision,-9}  {r.ImagesPerSecond,8:F1}  " +
                $"{r.MeanStepMilliseconds,7:F0}  {r.FlopsPerImage / 1e9,9:F3}  {r.AchievedGflops,7:F1}  " +
                $"{r.MatmulPeakGflops,12:F0}  {100 * r.FractionOfPeak,8:F1}%  {p.Speedup,8:F2}  " +
                $"{p.IdealSpeedup,5:F2}  {share,-22}  {Stolen(r)}"));
        }
        if (points.Any(p => p.Result.StolenCpuFraction > BenchCommand.StealWarningFraction))
            Console.WriteLine($"rounds with over {100 * BenchCommand.StealWarningFraction:F0}% of CPU time stolen " +
                "by the hypervisor measured the host, not the build");
        if (points[^1].Round < 2) return;
        Console.WriteLine($"median over {points[^1].Round} rounds");
        Console.WriteLine("value      images/s  speed-up  ideal  (speed-up−1)/(ideal−1)");
        foreach (var m in Medians(points))
            Console.WriteLine(string.Create(inv,
                $"{m.Value,-9}  {m.ImagesPerSecond,8:F1}  {m.Speedup,8:F2}  {m.IdealSpeedup,5:F2}  " +
                $"{(m.ShareOfIdealGain is { } g ? g.ToString("F2", inv) : "—")}"));
    }
}
