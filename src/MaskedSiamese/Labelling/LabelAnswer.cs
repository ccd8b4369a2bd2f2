namespace MaskedSiamese.Labelling;

/// <summary>
/// What a user said of one image: a class (its index, ≥ 0), or one of the two answers that are not a class. Images
/// answered either way are not suggested again; only class answers train the classifier.
/// </summary>
public static class LabelAnswer
{
    /// <summary>"Skip": the image fits no class, or is not worth labelling.</summary>
    public const int Skip = -1;

    /// <summary>"Not sure": the user could not tell.</summary>
    public const int NotSure = -2;

    /// <summary>How the answers file writes <see cref="Skip"/>.</summary>
    public const string SkipText = "(skip)";

    /// <summary>How the answers file writes <see cref="NotSure"/>.</summary>
    public const string NotSureText = "(not sure)";

    /// <summary>The text of <paramref name="answer"/> for class names <paramref name="classes"/>.</summary>
    public static string ToText(int answer, IReadOnlyList<string> classes)
    {
        ArgumentNullException.ThrowIfNull(classes);
        return answer switch
        {
            Skip => SkipText,
            NotSure => NotSureText,
            >= 0 when answer < classes.Count => classes[answer],
            _ => throw new ArgumentOutOfRangeException(nameof(answer), answer, $"not an answer for " +
                $"{classes.Count} classes"),
        };
    }

    /// <summary>The answer written as <paramref name="text"/>, or null when it names no class.</summary>
    public static int? Parse(string text, IReadOnlyList<string> classes)
    {
        ArgumentNullException.ThrowIfNull(classes);
        if (text == SkipText) return Skip;
        if (text == NotSureText) return NotSure;
        int index = IndexOf(classes, text);
        return index >= 0 ? index : null;
    }

    private static int IndexOf(IReadOnlyList<string> classes, string name)
    {
        for (int i = 0; i < classes.Count; i++)
            if (classes[i] == name) return i;
        return -1;
    }

    /// <summary>Why <paramref name="name"/> cannot be a class name (it becomes a folder name and a CSV field), or
    /// null when it can.</summary>
    public static string? ProblemWithClassName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0) return "a class name is empty";
        if (name.Length > 64) return $"class name '{name[..20]}…' is longer than 64 characters";
        if (name is "." or "..") return $"class name '{name}' is not a folder name";
        if (name.StartsWith('(')) return $"class name '{name}' starts with '(' (kept for {SkipText} and {NotSureText})";
        if (name.Trim() != name) return $"class name '{name}' starts or ends with a space";
        if (name.Any(c => c is ',' or '/' or '\\' or '"' || char.IsControl(c)))
            return $"class name '{name}' holds a comma, a slash, a quote or a control character";
        return null;
    }
}
