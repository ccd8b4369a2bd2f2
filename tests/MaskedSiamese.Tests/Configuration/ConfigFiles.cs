using MaskedSiamese.Tests.Support;

namespace MaskedSiamese.Tests.Configuration;

/// <summary>The YAML presets in <c>configs/</c> at the repository root (found by walking up to
/// MaskedSiamese.slnx).</summary>
public static class ConfigFiles
{
    /// <summary>The <c>configs/</c> folder.</summary>
    public static string Folder => Path.Combine(OfficialFixtures.RepositoryRoot, "configs");

    /// <summary>The full path of <c>configs/{name}</c>.</summary>
    public static string PathOf(string name) => Path.Combine(Folder, name);

    /// <summary>
    /// The <c>section.key</c> lines of a two-level YAML text as written by hand or by <c>ToYaml</c>, in order, with
    /// each value's text (comments dropped). Read line by line on purpose, independently of the loader under test.
    /// </summary>
    public static List<(string Key, string Value)> FlatEntries(string yaml)
    {
        var entries = new List<(string, string)>();
        string section = "";
        foreach (string raw in yaml.Split('\n'))
        {
            string line = raw.Split(" #")[0].TrimEnd();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (!line.StartsWith(' ')) section = line[..colon];
            else entries.Add((section + "." + line[..colon].Trim(), line[(colon + 1)..].Trim()));
        }

        return entries;
    }
}
