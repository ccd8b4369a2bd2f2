namespace MaskedSiamese.Randomness;

/// <summary>A source of uniform integers, what <see cref="FisherYates"/> needs: each generator keeps its own rejection
/// rule, so sharing the shuffle changes none of their sequences.</summary>
internal interface IUniformIndex
{
    /// <summary>Uniform integer in [0, <paramref name="n"/>).</summary>
    int NextInt(int n);
}
