using MaskedSiamese.Data;
using MaskedSiamese.Data.Augmentation;

namespace MaskedSiamese.Tests.Data;

/// <summary>
/// An in-memory source of small noisy images (item i is fixed by i), labels i mod 10; items listed in
/// <paramref name="unreadable"/> fail late (null), and <paramref name="throwAt"/> makes TryGet throw.
/// </summary>
internal sealed class SyntheticSource(int count, int width = 28, int height = 28, ISet<int>? unreadable = null,
    int throwAt = -1) : IImageSource
{
    private readonly object _readSignal = new(); // pulsed on every read, for WaitForReads
    private int _skipped;
    private int _reads;

    public int Count => count;

    public IReadOnlyList<string> ClassNames { get; } = Enumerable.Range(0, 10).Select(i => $"c{i}").ToArray();

    public int SkippedCount => _skipped;

    /// <summary>TryGet calls so far.</summary>
    public int Reads => Volatile.Read(ref _reads);

    /// <summary>
    /// Waits until at least <paramref name="count"/> reads have happened, at most <paramref name="timeout"/>; whether
    /// they did. A signal instead of a sleep: returns as soon as the condition holds.
    /// </summary>
    public bool WaitForReads(int count, TimeSpan timeout)
    {
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        lock (_readSignal)
        {
            while (Reads < count)
            {
                long left = deadline - Environment.TickCount64;
                if (left <= 0) return false;
                Monitor.Wait(_readSignal, TimeSpan.FromMilliseconds(left));
            }

            return true;
        }
    }

    public int Label(int index) => index % 10;

    public RgbImage? TryGet(int index)
    {
        Interlocked.Increment(ref _reads);
        lock (_readSignal) Monitor.PulseAll(_readSignal);
        if (index == throwAt) throw new InvalidDataException($"synthetic failure at {index}");
        if (unreadable?.Contains(index) == true)
        {
            Interlocked.Increment(ref _skipped);
            return null;
        }
        var random = new SeededRandom(12345, 0, index);
        var rgb = new byte[3 * width * height];
        for (int i = 0; i < rgb.Length; i++) rgb[i] = (byte)random.NextInt(256);
        return new RgbImage(width, height, rgb);
    }
}
