using System.Globalization;

namespace MaskedSiamese.Diagnostics;

/// <summary>
/// CPU time the hypervisor gave to other guests while this machine wanted it (<c>steal</c> in <c>/proc/stat</c>). On
/// this project's virtual machines it reached 33–47% for minutes at a time and made a training step 2–3× slower,
/// which a speed figure cannot tell apart from a slower build: benchmarks report it beside their figures.
/// </summary>
public static class CpuSteal
{
    /// <summary>Machine-wide CPU time so far (all CPUs, in clock ticks): stolen, and the total it is a part
    /// of.</summary>
    public readonly record struct Sample(long StolenTicks, long TotalTicks);

    /// <summary>The current counters from <c>/proc/stat</c>; null where it cannot be read (not Linux).</summary>
    public static Sample? Read()
    {
        try
        {
            using var reader = new StreamReader("/proc/stat");
            return Parse(reader.ReadLine() ?? "");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The aggregate <c>cpu</c> line of <c>/proc/stat</c> (user nice system idle iowait irq softirq steal
    /// …): the total is the first eight fields (guest time is already inside user); null for any other
    /// line.</summary>
    public static Sample? Parse(string line)
    {
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 9 || fields[0] != "cpu") return null;
        long total = 0, ticks = 0;
        for (int i = 1; i <= 8; i++)
        {
            if (!long.TryParse(fields[i], NumberStyles.None, CultureInfo.InvariantCulture, out ticks)) return null;
            total += ticks;
        }
        return new Sample(ticks, total);   // the eighth field, steal, is the last one read
    }

    /// <summary>The share of CPU time stolen between two samples; null when either is missing or no time
    /// passed.</summary>
    public static double? StolenFraction(Sample? before, Sample? after)
    {
        if (before is not { } a || after is not { } b || b.TotalTicks <= a.TotalTicks) return null;
        return Math.Clamp((double)(b.StolenTicks - a.StolenTicks) / (b.TotalTicks - a.TotalTicks), 0, 1);
    }
}
