using System.Globalization;

namespace MaskedSiamese.Selection;

/// <summary>
/// The labels a user has given: a CSV of <c>path,label</c> rows (a header row <c>path,label</c> is optional; a path
/// may be absolute or relative to the data folder). Every row must name an image of the data; a malformed row, an
/// unknown image or one image labelled twice is refused naming the file and line.
/// </summary>
public static class LabelsFile
{
    /// <summary>Reads <paramref name="path"/>; <paramref name="rowOf"/> finds an image's row by its full path
    /// (null when the data has no such image).</summary>
    /// <returns>The labelled rows and their labels, in file order.</returns>
    /// <exception cref="InvalidDataException">A row is malformed, names an unknown image or repeats one.</exception>
    public static IReadOnlyList<(int Row, string Label)> Read(string path, string dataFolder, Func<string, int?> rowOf)
    {
        ArgumentNullException.ThrowIfNull(rowOf);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: labels file not found");
        var result = new List<(int, string)>();
        var seen = new HashSet<int>();
        int number = 0;
        foreach (string line in File.ReadLines(path))
        {
            number++;
            if (line.Length == 0
                || (number == 1 && line.Trim().Equals("path,label", StringComparison.OrdinalIgnoreCase))) continue;
            int comma = line.LastIndexOf(',');
            string where = string.Create(CultureInfo.InvariantCulture, $"{path}:{number}");
            if (comma <= 0 || comma == line.Length - 1)
                throw new InvalidDataException($"{where}: expected 'path,label', got '{Shorten(line)}'");
            string image = line[..comma].Trim(), label = line[(comma + 1)..].Trim();
            string full = FullPath(image, dataFolder)
                ?? throw new InvalidDataException($"{where}: '{Shorten(image)}' is not a path");
            int row = rowOf(full) ?? throw new InvalidDataException($"{where}: '{Shorten(image)}' is not an " +
                $"image of {dataFolder}");
            if (!seen.Add(row)) throw new InvalidDataException($"{where}: '{Shorten(image)}' is labelled twice");
            result.Add((row, label));
        }
        return result;
    }

    // A NUL or another character no path may hold makes GetFullPath throw: that row is refused like any other.
    private static string? FullPath(string image, string dataFolder)
    {
        if (image.Length == 0 || image.Contains('\0', StringComparison.Ordinal)) return null;
        try
        {
            return Path.GetFullPath(Path.IsPathRooted(image) ? image : Path.Combine(dataFolder, image));
        }
        catch (Exception e) when (e is ArgumentException or PathTooLongException or NotSupportedException)
        {
            return null;
        }
    }

    private static string Shorten(string s) => s.Length <= 80 ? s : s[..77] + "...";

    /// <summary>Every row's class for <see cref="LabelSelection.Choose"/> (−1 where unlabelled), the labels of
    /// <paramref name="given"/> numbered in ordinal order.</summary>
    /// <param name="given">What <see cref="Read"/> returned.</param>
    /// <param name="count">The number of rows.</param>
    public static int[] Classes(IReadOnlyList<(int Row, string Label)> given, int count)
    {
        ArgumentNullException.ThrowIfNull(given);
        var names = given.Select(g => g.Label).Distinct().Order(StringComparer.Ordinal).ToList();
        var classes = Enumerable.Repeat(-1, count).ToArray();
        foreach (var (row, label) in given) classes[row] = names.IndexOf(label);
        return classes;
    }
}
