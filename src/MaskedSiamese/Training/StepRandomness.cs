using MaskedSiamese.Randomness;
using static TorchSharp.torch;

namespace MaskedSiamese.Training;

/// <summary>
/// Seeds derived from (run seed, global step, stream): every random draw of a step (its mask, stochastic depth)
/// is a pure function of the step, so a resumed run needs no saved generator state to continue the same stream.
/// </summary>
public static class StepRandomness
{
    /// <summary>Streams of randomness within a step.</summary>
    public const long MaskStream = 1, DropPathStream = 2;

    /// <summary>A well-mixed 64-bit seed for (seed, step, stream) (SplitMix64 finaliser).</summary>
    public static ulong Seed(long seed, long step, long stream)
    {
        ulong z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)step * 0xBF58476D1CE4E5B9UL ^
            (ulong)stream * 0x94D049BB133111EBUL);
        return SplitMix64.Mix(z);
    }

    /// <summary>Reseeds <paramref name="generator"/> for the stochastic depth of (seed, step).</summary>
    public static void SeedDropPath(Generator generator, long seed, long step)
    {
        ArgumentNullException.ThrowIfNull(generator);
        generator.manual_seed((long)(Seed(seed, step, DropPathStream) >> 1));
    }
}
