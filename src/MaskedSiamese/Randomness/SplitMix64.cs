namespace MaskedSiamese.Randomness;

/// <summary>
/// SplitMix64 (Steele, Lea, Flood 2014): a tiny generator with a published algorithm, so a split drawn here can be
/// redrawn in any language, unlike <see cref="Random"/> whose sequence is an implementation detail of .NET. Its
/// finaliser <see cref="Mix"/> also seeds the loader's per-sample generators and the per-step seeds of training.
/// </summary>
internal sealed class SplitMix64(ulong seed) : IUniformIndex
{
    /// <summary>The golden-ratio increment of the state (also the reference's first-key constant).</summary>
    internal const ulong Increment = 0x9E3779B97F4A7C15UL;

    private ulong _state = seed;

    /// <summary>The output finaliser: a bijective mix of all 64 bits.</summary>
    internal static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    internal ulong Next() => Mix(_state += Increment);

    /// <summary>Uniform integer in [0, n) by rejection, free of modulo bias.</summary>
    public int NextInt(int n)
    {
        ulong bound = (ulong)n;
        ulong limit = ulong.MaxValue - ulong.MaxValue % bound;
        ulong r;
        do r = Next(); while (r >= limit);
        return (int)(r % bound);
    }

    /// <summary>Fisher–Yates shuffle, from the last element down (Durstenfeld's order).</summary>
    internal void Shuffle(int[] items) => FisherYates.Shuffle(items, this);
}
