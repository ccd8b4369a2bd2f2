using System.Text.Json;
using System.Text.Json.Nodes;
using MaskedSiamese.Checkpoints;

namespace MaskedSiamese.Configuration;

/// <summary>
/// What differs between the recipe a run was started with (the config text its checkpoints record) and the one it is
/// resumed with. Only where files go (<c>logging.*</c>) and where to stop (<c>optimization.max_steps</c>) may change:
/// any other key changes the run's result, so resuming with it would silently make another run.
/// </summary>
public static class RecipeChange
{
    /// <summary>Keys that may differ on resume.</summary>
    public static bool MayChange(string key) =>
        key.StartsWith("logging.", StringComparison.Ordinal) || key == "optimization.max_steps";

    /// <summary>The keys whose values differ between <paramref name="recorded"/> and <paramref name="current"/>
    /// (config YAML texts), those that may change left out, in schema order.</summary>
    public static IReadOnlyList<string> Differences(string recorded, string current)
    {
        var before = MsnConfig.Parse(recorded, "the recorded config");
        var after = MsnConfig.Parse(current, "the config");
        var keys = new List<string>();
        foreach (var section in MsnConfigSchema.Sections)
            foreach (var key in section.Keys)
            {
                string name = section.Name + "." + key.Name;
                if (MayChange(name)) continue;
                object? a = key.Property.GetValue(section.Property.GetValue(before)),
                    b = key.Property.GetValue(section.Property.GetValue(after));
                if (JsonSerializer.Serialize(a) != JsonSerializer.Serialize(b)) keys.Add(name);
            }
        return keys;
    }

    /// <summary>Refuses to resume from <paramref name="checkpoint"/> with <paramref name="current"/> when the recipe
    /// it records differs in a key that changes the result (nothing is checked when the file records none).</summary>
    /// <exception cref="ConfigException">Names the keys that differ.</exception>
    public static void RequireSameAsRecorded(MsnConfig current, string checkpoint)
    {
        ArgumentNullException.ThrowIfNull(current);
        // A missing checkpoint is reported by resuming itself.
        string? recorded = TrainingRecord.ReadFrom(checkpoint)?.Config;
        if (string.IsNullOrEmpty(recorded)) return;
        var changed = Differences(recorded, current.ToYaml());
        if (changed.Count > 0)
            throw new ConfigException(
                $"--resume: the run was started with other values of {string.Join(", ", changed)} ({checkpoint}); " +
                "resume with the recipe it records (its config.yaml), or pass --allow-recipe-change");
    }
}
