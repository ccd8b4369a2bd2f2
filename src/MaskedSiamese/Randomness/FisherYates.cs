namespace MaskedSiamese.Randomness;

/// <summary>The one Fisher–Yates shuffle of the library (low-shot splits, λ folds, the loader's epoch
/// order).</summary>
internal static class FisherYates
{
    /// <summary>Shuffles in place from the last element down (Durstenfeld's order), j uniform in [0, i].</summary>
    public static void Shuffle<TRandom>(Span<int> items, TRandom random)
        where TRandom : IUniformIndex
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = random.NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
