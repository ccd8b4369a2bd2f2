namespace MaskedSiamese.Data;

/// <summary>Reads the subset list files described at <see cref="ImageFolderOptions.ListFile"/>.</summary>
internal static class ImageListFile
{
    /// <summary>The listed files, absolute, with their class folder (null when <paramref name="labeled"/> is
    /// false).</summary>
    public static List<(string Path, string? Class)> Read(string listFile, string root, bool labeled)
    {
        var entries = new List<(string, string?)>();
        foreach (var raw in File.ReadLines(listFile))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            string relative = line.Replace('\\', '/');
            if (!relative.Contains('/') && labeled)
            {
                // Official imagenet_subsets lines are bare names such as n01440764_10026.JPEG.
                int underscore = relative.IndexOf('_', StringComparison.Ordinal);
                if (underscore > 0) relative = relative[..underscore] + "/" + relative;
            }
            int slash = relative.IndexOf('/', StringComparison.Ordinal);
            string? cls = labeled && slash > 0 ? relative[..slash] : null;
            entries.Add((Path.GetFullPath(Path.Combine(root, relative)), cls));
        }
        return entries;
    }
}
