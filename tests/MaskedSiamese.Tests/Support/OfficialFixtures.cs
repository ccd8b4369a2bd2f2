namespace MaskedSiamese.Tests.Support;

/// <summary>
/// Finds the golden fixtures made with the official MSN code. The folder is named by <c>MSN_PARITY_FIXTURES</c>, or
/// defaults to <c>../shared/fixtures/official-msn</c> resolved from the repository root (found by walking up from the
/// test assembly to the folder holding MaskedSiamese.slnx), never from the working directory.
/// </summary>
public static class OfficialFixtures
{
    /// <summary>The fixture folder (it may not exist: tests that need it fail through <see cref="Sets"/>).</summary>
    public static string Folder
    {
        get
        {
            string? env = Environment.GetEnvironmentVariable("MSN_PARITY_FIXTURES");
            if (!string.IsNullOrWhiteSpace(env)) return Path.GetFullPath(env, RepositoryRoot);
            return Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "fixtures", "official-msn"));
        }
    }

    /// <summary>The repository root: the nearest ancestor of the test assembly that holds MaskedSiamese.slnx.</summary>
    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MaskedSiamese.slnx"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("MaskedSiamese.slnx not found above " +
                AppContext.BaseDirectory);
        }
    }

    /// <summary>
    /// Every file in the fixture folder whose name ends with <paramref name="suffix"/> (e.g. "_forward.safetensors"),
    /// as xunit theory data. No match is a failure, never a silent pass.
    /// </summary>
    public static TheoryData<string> Sets(string suffix)
    {
        var data = new TheoryData<string>();
        if (Directory.Exists(Folder))
            foreach (var f in Directory.GetFiles(Folder, "*" + suffix).OrderBy(f => f, StringComparer.Ordinal))
                data.Add(Path.GetFileName(f));
        if (data.Count == 0)
            data.Add(MissingMarker + suffix);
        return data;
    }

    /// <summary>The full path of a fixture file named by <see cref="Sets"/>; fails the test when none was
    /// found.</summary>
    public static string PathOf(string name)
    {
        if (name.StartsWith(MissingMarker, StringComparison.Ordinal))
            Assert.Fail($"No fixture '*{name[MissingMarker.Length..]}' in {Folder} (set MSN_PARITY_FIXTURES to the " +
                $"fixture folder)");
        return Path.Combine(Folder, name);
    }

    /// <summary>The file sharing a set's name stem: <c>tiny_forward.safetensors</c> + "_release.pth.tar" gives
    /// <c>tiny_release.pth.tar</c>.</summary>
    public static string Sibling(string name, string suffix)
    {
        string stem = name[..name.IndexOf('_', StringComparison.Ordinal)];
        string path = Path.Combine(Folder, stem + suffix);
        Assert.True(File.Exists(path), $"{path} (matching {name}) is missing");
        return path;
    }

    /// <summary>The path of the first fixture ending with <paramref name="suffix"/>; fails the test when
    /// none.</summary>
    public static string First(string suffix) => PathOf((string)((IEnumerable<object[]>)Sets(suffix)).First()[0]);

    private const string MissingMarker = "<none>";
}
