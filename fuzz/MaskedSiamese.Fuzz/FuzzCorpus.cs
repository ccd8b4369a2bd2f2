namespace MaskedSiamese.Fuzz;

/// <summary>The committed seed corpus: <c>fuzz/corpus/TARGET/*</c>, found from the repository root.</summary>
public static class FuzzCorpus
{
    /// <summary>Prefix of the seeds that are valid inputs (made by <see cref="SeedCorpus"/>): the replay requires them
    /// to be accepted. Other files (inputs that once broke the contract) need only meet it.</summary>
    public const string ValidPrefix = "valid-";

    /// <summary><c>fuzz/corpus</c> of the repository that holds this assembly (the nearest ancestor with
    /// MaskedSiamese.slnx), so that it is found from any working directory.</summary>
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MaskedSiamese.slnx"))) dir = dir.Parent;
            return dir is null
                ? throw new DirectoryNotFoundException("MaskedSiamese.slnx not found above " + AppContext.BaseDirectory)
                : Path.Combine(dir.FullName, "fuzz", "corpus");
        }
    }

    /// <summary>The seeds of <paramref name="target"/> in name order.</summary>
    public static IReadOnlyList<(string Name, byte[] Bytes)> Load(string target, string? root = null)
    {
        string dir = Path.Combine(root ?? Root, target);
        return Directory.Exists(dir)
            ? [.. Directory.GetFiles(dir).Order(StringComparer.Ordinal)
                .Select(f => (Path.GetFileName(f), File.ReadAllBytes(f)))]
            : [];
    }

    /// <summary>Writes the seeds <see cref="SeedCorpus"/> makes for <paramref name="target"/> under
    /// <paramref name="root"/>; returns how many.</summary>
    public static int WriteSeeds(string target, string root)
    {
        string dir = Path.Combine(root, target);
        Directory.CreateDirectory(dir);
        var seeds = SeedCorpus.For(target);
        foreach (var (name, bytes) in seeds) File.WriteAllBytes(Path.Combine(dir, name), bytes);
        return seeds.Count;
    }
}
