namespace MaskedSiamese.Data;

/// <summary>
/// The image memory that decoding and transforming may hold at once, across every thread of the process. An image
/// costs about <see cref="BytesPerPixel"/> bytes a pixel while it is decoded (RGBA and RGB buffers) and turned into
/// floats before its resize; 16 PNGs of 48 KB declaring 7000 × 7000 took 7.6 GB in <c>predict</c> when every worker
/// decoded one at once. A claim waits while others hold the budget; one larger than the budget runs alone.
/// </summary>
public static class DecodeBudget
{
    /// <summary>Bytes held at most by all claims together (1 GiB), unless a single image needs more.</summary>
    public const long LimitBytes = 1L << 30;

    /// <summary>Bytes an image holds per pixel between its decode and its transform's resize (4 RGBA + 3 RGB + 12
    /// float, rounded up).</summary>
    public const int BytesPerPixel = 20;

    // Large images leave large arrays to the GC, which collects them lazily: after one, collect at once.
    private const long CollectAfterBytes = 256L << 20;

    private static readonly object Gate = new();   // Monitor.Wait needs a monitor, not a Lock
    private static long _held;

    /// <summary>Bytes held now (for tests and diagnostics).</summary>
    public static long Held
    {
        get
        {
            lock (Gate) return _held;
        }
    }

    /// <summary>Claims room for an image of <paramref name="pixels"/> pixels (0: unknown or small, nothing to wait
    /// for); dispose the claim when the image's floats are resized.</summary>
    public static Claim Enter(long pixels)
    {
        long bytes = Math.Max(0, pixels) * BytesPerPixel;
        if (bytes == 0) return default;
        lock (Gate)
        {
            while (_held > 0 && _held + bytes > LimitBytes) Monitor.Wait(Gate);
            _held += bytes;
        }
        return new Claim(bytes);
    }

    private static void Leave(long bytes)
    {
        lock (Gate)
        {
            _held -= bytes;
            Monitor.PulseAll(Gate);
        }
        if (bytes >= CollectAfterBytes) GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    /// <summary>A claim on the budget; disposing it gives the room back.</summary>
    public readonly struct Claim(long bytes) : IDisposable
    {
        /// <summary>Bytes claimed.</summary>
        public long Bytes { get; } = bytes;

        /// <inheritdoc />
        public void Dispose()
        {
            if (Bytes > 0) Leave(Bytes);
        }
    }
}
