using System.Globalization;
using System.Reflection;
using MaskedSiamese.Masking;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace MaskedSiamese.Configuration;

/// <summary>YAML text plus <c>section.key=value</c> overrides → <see cref="MsnConfig"/>, refusing unknown sections
/// and keys and values of the wrong type with one-line <see cref="ConfigException"/> messages that name the
/// key.</summary>
internal static class MsnConfigReader
{
    private static readonly NullabilityInfoContext Nullability = new();

    /// <summary>
    /// Deepest nesting of mappings and sequences accepted. A config needs 3 (file, section, list value); YamlDotNet
    /// builds nodes recursively, so a few ten thousand <c>[</c> overflow the stack and abort the process.
    /// </summary>
    public const int MaxNesting = 32;

    public static MsnConfig Read(string yaml, string source, IEnumerable<string> overrides)
    {
        // section → key → YAML node; the file first, then each override replaces its key.
        var values = new Dictionary<string, Dictionary<string, YamlNode>>(StringComparer.Ordinal);
        ReadFile(yaml, source, values);
        foreach (string item in overrides) ApplyOverride(item, values);

        var config = new MsnConfig();
        foreach (var section in MsnConfigSchema.Sections)
        {
            object options = Activator.CreateInstance(section.Property.PropertyType)!;
            if (values.TryGetValue(section.Name, out var keys))
            {
                foreach (var key in section.Keys)
                {
                    if (keys.TryGetValue(key.Name, out var node))
                        key.Property.SetValue(options, Convert(node, key.Property, section.Name + "." + key.Name));
                }
            }

            section.Property.SetValue(config, options);
        }

        return config;
    }

    private static void ReadFile(string yaml, string source, Dictionary<string, Dictionary<string, YamlNode>> values)
    {
        var root = LoadSingle(yaml, $"malformed YAML in '{source}'");
        if (root is null || IsNull(root)) return;
        if (root is not YamlMappingNode top)
            throw new ConfigException($"config: '{source}' must be a mapping of sections (meta, criterion, data, "
                + "optimization, logging)");

        foreach (var (sectionNode, body) in top.Children)
        {
            var section = FindSection(ScalarText(sectionNode));
            if (body is YamlScalarNode && IsNull(body)) continue; // an empty section takes every default
            if (body is not YamlMappingNode mapping)
                throw new ConfigException(
                    $"config: section '{section.Name}' must be a mapping of keys (got {Show(body)})");
            var keys = values.TryGetValue(section.Name, out var k)
                ? k
                : values[section.Name] = new(StringComparer.Ordinal);
            foreach (var (keyNode, value) in mapping.Children)
            {
                var key = FindKey(section, ScalarText(keyNode));
                if (!keys.TryAdd(key.Name, value))
                    throw new ConfigException($"config: duplicate key '{section.Name}.{key.Name}' in '{source}'");
            }
        }
    }

    private static void ApplyOverride(string item, Dictionary<string, Dictionary<string, YamlNode>> values)
    {
        int eq = item.IndexOf('=', StringComparison.Ordinal);
        int dot = eq < 0 ? -1 : item.IndexOf('.', 0, eq);
        if (eq < 0 || dot <= 0 || dot == eq - 1)
            throw new ConfigException($"config: --set '{Shorten(item)}' must look like section.key=value");
        var section = FindSection(item[..dot].Trim());
        var key = FindKey(section, item[(dot + 1)..eq].Trim());
        string text = item[(eq + 1)..].Trim();

        // An empty value is the empty string (e.g. data.dataset=); anything else is read as a YAML value.
        YamlNode node = text.Length == 0
            ? new YamlScalarNode("") { Style = ScalarStyle.DoubleQuoted }
            : LoadSingle(text, $"--set '{Shorten(item)}' has a malformed value") ?? new YamlScalarNode("null");
        var keys = values.TryGetValue(section.Name, out var k) ? k : values[section.Name] = new(StringComparer.Ordinal);
        keys[key.Name] = node;
    }

    private static YamlNode? LoadSingle(string text, string what)
    {
        var stream = new YamlStream();
        try
        {
            CheckNesting(text, what);
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new ConfigException($"config: {what} at line {e.Start.Line}, column {e.Start.Column}: "
                + OneLine(e.InnerException?.Message ?? e.Message), e);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet's scanner throws these, without a position, on some unterminated flow collections.
            throw new ConfigException(
                $"config: {what}: the parser stopped without a position (an unclosed [ or {{?)", e);
        }

        return stream.Documents.Count switch
        {
            0 => null,
            1 => stream.Documents[0].RootNode,
            _ => throw new ConfigException($"config: {what}: {stream.Documents.Count} YAML documents, expected one"),
        };
    }

    // Walks the parser's events (an iterative state machine) and refuses before the recursive node builder runs.
    private static void CheckNesting(string text, string what)
    {
        var parser = new Parser(new StringReader(text));
        int depth = 0;
        while (parser.MoveNext())
        {
            if (parser.Current is MappingStart or SequenceStart && ++depth > MaxNesting)
                throw new ConfigException($"config: {what}: nested deeper than {MaxNesting} levels at line "
                    + $"{parser.Current.Start.Line}, column {parser.Current.Start.Column}");
            if (parser.Current is MappingEnd or SequenceEnd) depth--;
        }
    }

    private static MsnConfigSchema.Section FindSection(string name)
    {
        var section = MsnConfigSchema.FindSection(name);
        if (section is not null) return section;
        string? hint = MsnConfigSchema.Suggest(name, MsnConfigSchema.Sections.Select(s => s.Name));
        throw new ConfigException($"config: unknown section '{name}'" + (hint is null
            ? $" (expected one of {string.Join(", ", MsnConfigSchema.Sections.Select(s => s.Name))})"
            : $" (did you mean '{hint}'?)"));
    }

    private static MsnConfigSchema.Key FindKey(MsnConfigSchema.Section section, string name)
    {
        var key = section.Find(name);
        if (key is not null) return key;

        // A key of another section is a common slip: say where it lives.
        var elsewhere = MsnConfigSchema.Sections.FirstOrDefault(s => s.Find(name) is not null);
        string hint = elsewhere is not null
            ? $" (it belongs in '{elsewhere.Name}')"
            : MsnConfigSchema.Suggest(name, section.Keys.Select(k => k.Name)) is { } near
                ? $" (did you mean '{near}'?)"
                : "";
        throw new ConfigException($"config: unknown key '{section.Name}.{name}'{hint}");
    }

    private static object? Convert(YamlNode node, PropertyInfo property, string key)
    {
        var type = property.PropertyType;
        var underlying = Nullable.GetUnderlyingType(type);
        bool nullable = underlying is not null
            || (type == typeof(string) && Nullability.Create(property).WriteState == NullabilityState.Nullable);
        if (IsNull(node))
        {
            if (nullable) return null;
            throw new ConfigException($"config: {key} must be {Describe(type)} (got null)");
        }

        type = underlying ?? type;
        if (type == typeof(string))
        {
            return node is YamlScalarNode s ? s.Value ?? "" : throw WrongType(key, type, node);
        }

        if (type == typeof(bool))
        {
            string text = PlainScalar(node, key, type);
            return text.ToUpperInvariant() switch
            {
                "TRUE" => true,
                "FALSE" => false,
                _ => throw WrongType(key, type, node),
            };
        }

        if (type == typeof(int))
        {
            return int.TryParse(PlainScalar(node, key, type), NumberStyles.AllowLeadingSign,
                CultureInfo.InvariantCulture, out int i) ? i : throw WrongType(key, type, node);
        }

        if (type == typeof(double)) return Number(node, key, type);

        if (type == typeof(MaskSharing))
        {
            return PlainScalar(node, key, type) switch
            {
                "batch" => MaskSharing.SharedPerBatch,
                "sample" => MaskSharing.PerSample,
                _ => throw WrongType(key, type, node),
            };
        }

        if (type == typeof(ValueTuple<double, double>))
        {
            var items = Sequence(node, key, type);
            if (items.Count != 2) throw WrongType(key, type, node);
            return (Number(items[0], key, type), Number(items[1], key, type));
        }

        if (type == typeof(Rgb))
        {
            var items = Sequence(node, key, type);
            return items.Count switch
            {
                1 => Rgb.All(Number(items[0], key, type)),
                3 => new Rgb(Number(items[0], key, type), Number(items[1], key, type), Number(items[2], key, type)),
                _ => throw WrongType(key, type, node),
            };
        }

        throw new InvalidOperationException($"no YAML conversion for {type} ({key})");
    }

    private static double Number(YamlNode node, string key, Type type)
    {
        string text = PlainScalar(node, key, type);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) &&
            double.IsFinite(d)
            ? d
            : throw WrongType(key, type, node);
    }

    /// <summary>The text of an unquoted scalar: a quoted one is a string in YAML, never a number or a
    /// boolean.</summary>
    private static string PlainScalar(YamlNode node, string key, Type type) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: { } v }
            ? v
            : throw WrongType(key, type, node);

    private static List<YamlNode> Sequence(YamlNode node, string key, Type type) =>
        node is YamlSequenceNode seq ? [.. seq.Children] : throw WrongType(key, type, node);

    private static ConfigException WrongType(string key, Type type, YamlNode node) =>
        new($"config: {key} must be {Describe(type)} (got {Show(node)})");

    private static string Describe(Type type) =>
        type == typeof(string) ? "a string"
        : type == typeof(bool) ? "true or false"
        : type == typeof(int) ? "an integer"
        : type == typeof(double) ? "a number"
        : type == typeof(MaskSharing) ? "'batch' or 'sample'"
        : type == typeof(ValueTuple<double, double>) ? "a list of two numbers like [0.3, 1.0]"
        : type == typeof(Rgb) ? "a list of three numbers (or one for every channel)"
        : type.Name;

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } s
        && s.Value is null or "" or "~" or "null" or "Null" or "NULL";

    private static string ScalarText(YamlNode node) =>
        node is YamlScalarNode { Value: { } v }
            ? v
            : throw new ConfigException($"config: keys must be plain names (got {Show(node)})");

    /// <summary>A value as the user wrote it, short: <c>'ten'</c>, <c>[0.3, a]</c>, <c>a mapping</c>.</summary>
    private static string Show(YamlNode node) => node switch
    {
        YamlScalarNode s when IsNull(s) => "null",
        YamlScalarNode s => $"'{s.Value}'",
        YamlSequenceNode seq =>
            "[" + string.Join(", ", seq.Children.Select(c => c is YamlScalarNode sc ? sc.Value : "…")) + "]",
        YamlMappingNode => "a mapping",
        _ => node.ToString(),
    };

    // A hostile --set value may be 100 kB long: the message shows its start only.
    private static string Shorten(string item) => item.Length <= 80 ? item : item[..80] + "…";

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'],
            StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
