namespace MaskedSiamese.Optimization;

/// <summary>
/// The official AdamW grouping (msn-spec §4.1): group 1 = encoder parameters that get the scheduled weight decay;
/// group 2 = biases, <c>bn*</c> and 1-D encoder parameters (decay 0); group 3 = the prototypes (decay 0), which are
/// not encoder parameters and so never pass through this rule.
/// </summary>
public static class ParameterGroups
{
    /// <summary>
    /// Whether an encoder parameter is weight-decayed: its name contains neither <c>bias</c> nor <c>bn</c>
    /// (plain, case-sensitive substrings, as officially) and it is not 1-D. So <c>cls_token</c>, <c>pos_embed</c>,
    /// <c>patch_embed.proj.weight</c> and every Linear weight decay; LayerNorm and BatchNorm parameters do not.
    /// </summary>
    /// <param name="name">The parameter's state-dict name, e.g. <c>blocks.0.attn.qkv.weight</c>.</param>
    /// <param name="shape">Its shape.</param>
    public static bool IsDecayed(string name, IReadOnlyList<long> shape)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(shape);
        return !name.Contains("bias", StringComparison.Ordinal)
            && !name.Contains("bn", StringComparison.Ordinal)
            && shape.Count != 1;
    }

    /// <summary>
    /// Splits named encoder parameters into the decayed group and the no-decay group, keeping their order.
    /// </summary>
    /// <typeparam name="T">Whatever is carried along (a parameter, a name).</typeparam>
    /// <param name="parameters">(name, shape, item) per encoder parameter, e.g. from <c>named_parameters()</c>.</param>
    /// <returns>The items of group 1 (decayed) and group 2 (no decay).</returns>
    public static (IReadOnlyList<T> Decayed, IReadOnlyList<T> NotDecayed) Split<T>(
        IEnumerable<(string Name, long[] Shape, T Item)> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var decayed = new List<T>();
        var notDecayed = new List<T>();
        foreach (var (name, shape, item) in parameters)
            (IsDecayed(name, shape) ? decayed : notDecayed).Add(item);
        return (decayed, notDecayed);
    }
}
