namespace MaskedSiamese.Classification;

/// <summary>
/// What a class name of a classifier may be: it is written into CSV fields (<c>predict</c>'s <c>top_k</c> joins
/// <c>name:probability</c> pairs with ';') and read back from files anyone can edit, so it is non-empty, at most 256
/// characters, without ';' or control characters, and unique within a classifier.
/// </summary>
public static class ClassNameRule
{
    /// <summary>Why <paramref name="names"/> cannot name a classifier's classes, or null when they can.</summary>
    public static string? ProblemWith(IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        foreach (string name in names)
        {
            if (name.Length == 0) return "a class name is empty";
            if (name.Length > 256) return $"class name '{name[..20]}…' is longer than 256 characters";
            if (name.Contains(';', StringComparison.Ordinal) || name.Any(char.IsControl))
                return $"class name '{name}' holds ';' or a control character (';' separates predict's top_k field)";
        }
        var twice = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        return twice is null ? null : $"class name '{twice.Key}' appears twice";
    }
}
