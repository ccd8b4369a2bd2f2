using MaskedSiamese.Tests.Support;

namespace MaskedSiamese.Tests.Configuration;

/// <summary>The YAML presets in <c>configs/</c> at the repository root (found by walking up to MaskedSiamese.slnx).</summary>
public static class ConfigFiles
{
    /// <summary>The <c>configs/</c> folder.</summary>
    public static string Folder => Path.Combine(OfficialFixtures.RepositoryRoot, "configs");

    /// <summary>The full path of <c>configs/{name}</c>.</summary>
    public static string PathOf(string name) => Path.Combine(Folder, name);
}
