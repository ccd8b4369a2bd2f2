using MaskedSiamese.Randomness;

namespace MaskedSiamese.Data.Augmentation;

/// <summary>
/// A small, fast xoshiro256** generator whose state is derived (through SplitMix64) from a tuple of integers such as
/// (run seed, epoch, sample index), so every sample's random draws are fixed by what it is, not by which thread
/// processed it or when. Not thread-safe: one instance per sample.
/// </summary>
public sealed class SeededRandom : IUniformIndex
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>A generator for the given key; different keys give independent-looking streams.</summary>
    public SeededRandom(long seed, long epoch, long index, long stream = 0)
    {
        ulong h = SplitMix64.Increment;
        foreach (long k in (ReadOnlySpan<long>)[seed, epoch, index, stream])
            h = SplitMix64.Mix(h ^ (ulong)k);
        var state = new SplitMix64(h);
        _s0 = state.Next();
        _s1 = state.Next();
        _s2 = state.Next();
        _s3 = state.Next();
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1), 53 bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [<paramref name="min"/>, <paramref name="max"/>).</summary>
    public double Uniform(double min, double max) => min + (max - min) * NextDouble();

    /// <summary>Uniform integer in [0, <paramref name="n"/>), unbiased.</summary>
    public int NextInt(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        ulong bound = (ulong)n, threshold = (0UL - bound) % bound;
        while (true)
        {
            ulong r = NextUInt64();
            if (r >= threshold) return (int)(r % bound);
        }
    }

    /// <summary>True with probability <paramref name="p"/>; exactly never for p ≤ 0 and always for p ≥ 1.</summary>
    public bool Chance(double p) => NextDouble() < p;

    /// <summary>A uniformly random permutation of 0 … n−1 (Fisher–Yates).</summary>
    public int[] Permutation(int n)
    {
        var p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        FisherYates.Shuffle(p, this);
        return p;
    }
}
