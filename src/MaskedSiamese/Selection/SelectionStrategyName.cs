namespace MaskedSiamese.Selection;

/// <summary>The names of <see cref="SelectionStrategy"/> members on the command line, in tables and in JSON.</summary>
public static class SelectionStrategyName
{
    /// <summary>The strategy's name: <c>typicality</c>, <c>uniform</c>, <c>class-balanced</c>, <c>in-rounds</c>,
    /// <c>margin</c>.</summary>
    public static string Of(SelectionStrategy strategy) => strategy switch
    {
        SelectionStrategy.ClassBalanced => "class-balanced",
        SelectionStrategy.InRounds => "in-rounds",
        _ => strategy.ToString().ToLowerInvariant(),
    };
}
