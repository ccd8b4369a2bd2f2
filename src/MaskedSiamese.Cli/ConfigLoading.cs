using MaskedSiamese.Configuration;

namespace MaskedSiamese.Cli;

/// <summary>Loads a preset or YAML file with <c>--set</c> overrides the way every command does, printing the config's
/// warnings (keys accepted but without effect here) to stderr before anything runs.</summary>
internal static class ConfigLoading
{
    public static MsnConfig Load(string? nameOrPath, IEnumerable<string>? overrides)
    {
        var cfg = ConfigPresets.Load(nameOrPath, overrides);
        foreach (string warning in cfg.Warnings()) Console.Error.WriteLine(warning);
        return cfg;
    }
}
