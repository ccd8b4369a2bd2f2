using System.Reflection;

namespace MaskedSiamese.Configuration;

/// <summary>The YAML schema read off the option records: sections and keys by their <see cref="YamlKeyAttribute"/>
/// names, in declaration order.</summary>
internal static class MsnConfigSchema
{
    /// <summary>The sections in file order, each with its keys.</summary>
    public static IReadOnlyList<Section> Sections { get; } = BuildSections();

    /// <summary>Every key as <c>section.key</c>.</summary>
    public static IReadOnlyList<string> AllKeys { get; } =
        [.. Sections.SelectMany(s => s.Keys.Select(k => s.Name + "." + k.Name))];

    public static Section? FindSection(string name) => Sections.FirstOrDefault(s => s.Name == name);

    /// <summary>The closest name to <paramref name="unknown"/> among <paramref name="names"/> worth suggesting, if any:
    /// within a small edit distance, else one that is a prefix of the other.</summary>
    public static string? Suggest(string unknown, IEnumerable<string> names)
    {
        var list = names.ToList();
        var best = list.Select(n => (Name: n, Distance: EditDistance(unknown, n)))
            .OrderBy(p => p.Distance).ThenBy(p => p.Name, StringComparer.Ordinal).FirstOrDefault();
        if (best.Name is not null && best.Distance <= Math.Max(2, unknown.Length / 3)) return best.Name;
        return list.Where(n => n.Length >= 2 && (unknown.StartsWith(n, StringComparison.OrdinalIgnoreCase)
                || n.StartsWith(unknown, StringComparison.OrdinalIgnoreCase) && unknown.Length >= 2))
            .OrderByDescending(n => n.Length).FirstOrDefault();
    }

    /// <summary>Levenshtein distance, case-insensitive.</summary>
    public static int EditDistance(string a, string b)
    {
        a = a.ToUpperInvariant();
        b = b.ToUpperInvariant();
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) prev[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitute = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                cur[j] = Math.Min(substitute, Math.Min(prev[j], cur[j - 1]) + 1);
            }

            (prev, cur) = (cur, prev);
        }

        return prev[b.Length];
    }

    private static List<Section> BuildSections() =>
        [.. KeyedProperties(typeof(MsnConfig)).Select(p => new Section(p.Name, p.Property,
            [.. KeyedProperties(p.Property.PropertyType).Select(k => new Key(k.Name, k.Property))]))];

    private static IEnumerable<(string Name, PropertyInfo Property)> KeyedProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Attribute: p.GetCustomAttribute<YamlKeyAttribute>(), Property: p))
            .Where(p => p.Attribute is not null)
            .OrderBy(p => p.Property.MetadataToken)
            .Select(p => (p.Attribute!.Name, p.Property));

    /// <summary>One section: its YAML name, the <see cref="MsnConfig"/> property holding it, its keys.</summary>
    internal sealed record Section(string Name, PropertyInfo Property, IReadOnlyList<Key> Keys)
    {
        public Key? Find(string key) => Keys.FirstOrDefault(k => k.Name == key);
    }

    /// <summary>One key: its YAML name and the option property it sets.</summary>
    internal sealed record Key(string Name, PropertyInfo Property);
}
