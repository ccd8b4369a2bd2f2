namespace MaskedSiamese.Diagnostics;

/// <summary>The median of timings: what benchmarks report when one disturbed sample must not move the figure.</summary>
public static class Median
{
    /// <summary>The middle value of <paramref name="values"/>, the mean of the two middle ones for an even
    /// count.</summary>
    /// <exception cref="ArgumentException">No values.</exception>
    public static double Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) throw new ArgumentException("no values", nameof(values));
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
