using System.Reflection;

namespace MaskedSiamese.Configuration;

/// <summary>The recipes of the repository's <c>configs/</c> folder, built into the library: <c>fmnist_default</c>
/// (the main job), <c>fmnist_msn_small</c> (the benchmark protocol), <c>msn_vits16</c> (the official ViT-S/16 run)
/// and <c>smoke</c> (a seconds-long check).</summary>
public static class ConfigPresets
{
    private const string Prefix = "MaskedSiamese.configs.";

    /// <summary>The default of <c>msn pretrain</c>.</summary>
    public const string DefaultName = "fmnist_default";

    /// <summary>Names of the built-in recipes.</summary>
    public static IReadOnlyList<string> Names { get; } = typeof(ConfigPresets).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".yaml", StringComparison.Ordinal))
        .Select(n => n[Prefix.Length..^".yaml".Length]).Order(StringComparer.Ordinal).ToList();

    /// <summary>The YAML text of a built-in recipe.</summary>
    public static string Text(string name)
    {
        using var stream = typeof(ConfigPresets).Assembly.GetManifestResourceStream(Prefix + name + ".yaml")
            ?? throw new ConfigException($"config: no built-in recipe '{name}' (built in: {string.Join(", ", Names)})");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// Loads <paramref name="fileOrName"/>: a YAML file when it exists, else a built-in recipe name; null means
    /// <see cref="DefaultName"/>. Overrides (<c>section.key=value</c>) apply after the file.
    /// </summary>
    public static MsnConfig Load(string? fileOrName, IEnumerable<string>? overrides = null)
    {
        if (fileOrName is not null && File.Exists(fileOrName)) return MsnConfig.Load(fileOrName, overrides);
        if (fileOrName is not null && (fileOrName.Contains('/', StringComparison.Ordinal) ||
                                       fileOrName.EndsWith(".yaml", StringComparison.Ordinal) ||
                                       fileOrName.EndsWith(".yml", StringComparison.Ordinal)))
            throw new ConfigException($"config: file '{fileOrName}' not found");
        string name = fileOrName ?? DefaultName;
        return MsnConfig.Parse(Text(name), "built-in:" + name, overrides);
    }
}
