namespace MaskedSiamese.Evaluation;

/// <summary>
/// SplitMix64 (Steele, Lea, Flood 2014): a tiny generator with a published algorithm, so a split drawn here can be
/// redrawn in any language, unlike <see cref="Random"/> whose sequence is an implementation detail of .NET.
/// </summary>
internal sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    internal ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform integer in [0, n) by rejection, free of modulo bias.</summary>
    internal int NextInt(int n)
    {
        ulong bound = (ulong)n;
        ulong limit = ulong.MaxValue - ulong.MaxValue % bound;
        ulong r;
        do r = Next(); while (r >= limit);
        return (int)(r % bound);
    }

    /// <summary>Fisher–Yates shuffle, from the last element down (Durstenfeld's order).</summary>
    internal void Shuffle(int[] items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
