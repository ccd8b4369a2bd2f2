namespace MaskedSiamese.Selection;

/// <summary>The names of <see cref="SelectionStrategy"/> members on the command line, in tables and in JSON.</summary>
public static class SelectionStrategyName
{
    /// <summary>The strategy's name: <c>density-peaks</c>, <c>typicality</c>, <c>uniform</c>,
    /// <c>class-balanced</c>, <c>in-rounds</c>, <c>margin</c>.</summary>
    public static string Of(SelectionStrategy strategy) => strategy switch
    {
        SelectionStrategy.DensityPeaks => "density-peaks",
        SelectionStrategy.ClassBalanced => "class-balanced",
        SelectionStrategy.InRounds => "in-rounds",
        _ => strategy.ToString().ToLowerInvariant(),
    };

    /// <summary>The strategy that <see cref="Of"/> names <paramref name="name"/>, or null when none is.</summary>
    public static SelectionStrategy? Parse(string name) =>
        Enum.GetValues<SelectionStrategy>().Where(s => Of(s) == name).Select(s => (SelectionStrategy?)s)
            .FirstOrDefault();
}
