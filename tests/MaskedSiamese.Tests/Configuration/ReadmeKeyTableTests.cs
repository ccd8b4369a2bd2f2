using MaskedSiamese.Configuration;

namespace MaskedSiamese.Tests.Configuration;

/// <summary>docs/configuration.md's "Configuration keys we add" table lists exactly the keys that are not official,
/// each with the default <see cref="MsnConfig.Default"/> writes.</summary>
public sealed class ReadmeKeyTableTests
{
    [Fact]
    public void Readme_table_lists_every_key_we_add_with_its_default()
    {
        // Given the table rows: | section | `key` | `default` | meaning |
        string readme = File.ReadAllText(
            Path.Combine(Support.OfficialFixtures.RepositoryRoot, "docs", "configuration.md"));
        string table = readme[readme.IndexOf("## Configuration keys we add", StringComparison.Ordinal)..];
        var rows = table.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal) && l.Contains('`'))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries))
            .ToDictionary(c => c[1] + "." + c[2].Trim('`'), c => c[3].Trim('`'));

        // And the defaults as written to YAML
        var written = ConfigFiles.FlatEntries(MsnConfig.Default.ToYaml()).ToDictionary(e => e.Key, e => e.Value);

        // Then the table holds every key that is not official, with the written default
        var ours = MsnConfig.Keys.Where(k => !OfficialConfigTests.OfficialValues.Any(r => (string)r[0] == k)).ToList();
        Assert.Equal(35, ours.Count);
        Assert.Equal(ours.Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        foreach (string key in ours)
            Assert.True(rows[key] == written[key],
                $"{key}: README says {rows[key]}, the default writes {written[key]}");
    }
}
