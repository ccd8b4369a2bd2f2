namespace MaskedSiamese.Engine;

/// <summary>One buffer of <see cref="AllReduceBenchmark"/>: its median and fastest time over the repeats.</summary>
/// <param name="What">What the buffer stands for.</param>
/// <param name="Floats">Its number of float32 elements.</param>
/// <param name="MedianMs">Median time of one all-reduce, milliseconds.</param>
/// <param name="MinMs">Fastest one.</param>
/// <param name="Repeats">How many were timed.</param>
public sealed record AllReduceTiming(string What, long Floats, double MedianMs, double MinMs, int Repeats)
{
    /// <summary>Buffer bytes reduced per second at the median time, GB/s.</summary>
    public double GigabytesPerSecond => Floats * 4 / (MedianMs / 1000) / 1e9;
}
