using System.Collections.Concurrent;

namespace MaskedSiamese.Data;

/// <summary>
/// Images named one by one or by folder, for prediction: every named file is an item (nothing is dropped up front,
/// so a file that cannot be decoded still has an index and its reason in <see cref="ErrorOf"/>). Folders are walked
/// recursively for files with image extensions, in sorted order; symbolic links inside a folder are not followed (a
/// link back to an ancestor would repeat the tree without end). With class names, an image in a named folder's
/// first-level subfolder of that name carries that label; every other item is unlabelled (−1).
/// </summary>
public sealed class ImagePathSource : IImageSource
{
    private readonly string[] _paths;
    private readonly int[] _labels;
    private readonly long _maxPixels;
    private readonly ConcurrentDictionary<int, string> _errors = new();

    private ImagePathSource(string[] paths, int[] labels, IReadOnlyList<string> classNames, long maxPixels)
    {
        _paths = paths;
        _labels = labels;
        ClassNames = classNames;
        _maxPixels = maxPixels;
    }

    /// <inheritdoc/>
    public int Count => _paths.Length;

    /// <inheritdoc/>
    public IReadOnlyList<string> ClassNames { get; }

    /// <inheritdoc/>
    public int SkippedCount => _errors.Count;

    /// <summary>The file of item <paramref name="index"/>, as found (absolute).</summary>
    public string PathOf(int index) => _paths[index];

    /// <summary>Why item <paramref name="index"/> could not be decoded, or null when it could (or was not
    /// tried).</summary>
    public string? ErrorOf(int index) => _errors.TryGetValue(index, out var e) ? e : null;

    /// <inheritdoc/>
    public int Label(int index) => _labels[index];

    /// <inheritdoc/>
    public long PixelCount(int index) => ImageDecoder.PixelCount(_paths[index]);

    /// <inheritdoc/>
    public RgbImage? TryGet(int index)
    {
        var image = ImageDecoder.TryDecode(_paths[index], _maxPixels, out string? error);
        if (image is null) _errors.TryAdd(index, error ?? "cannot be decoded");
        return image;
    }

    /// <summary>The files and folders of <paramref name="inputs"/>.</summary>
    /// <param name="inputs">Image files (taken whatever their extension) and folders (walked recursively).</param>
    /// <param name="classNames">Labels for images in class subfolders of a named folder; null: all unlabelled.</param>
    /// <param name="maxPixels">Largest image decoded (pixels).</param>
    /// <exception cref="FileNotFoundException">An input is neither a file nor a folder.</exception>
    public static ImagePathSource Open(IEnumerable<string> inputs, IReadOnlyList<string>? classNames = null,
        long maxPixels = ImageDecoder.DefaultMaxPixels)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var classIndex = (classNames ?? []).Select((c, i) => (c, i))
            .ToDictionary(t => t.c, t => t.i, StringComparer.Ordinal);
        var paths = new List<string>();
        var labels = new List<int>();
        foreach (var input in inputs)
        {
            string full = Path.GetFullPath(input);
            if (File.Exists(full))
            {
                paths.Add(full);
                labels.Add(-1);
            }
            else if (Directory.Exists(full))
            {
                foreach (var file in ImageFiles(full))
                {
                    paths.Add(file);
                    string first = Path.GetRelativePath(full, file).Split(Path.DirectorySeparatorChar)[0];
                    labels.Add(first != Path.GetFileName(file) && classIndex.TryGetValue(first, out int label)
                        ? label
                        : -1);
                }
            }
            else throw new FileNotFoundException($"{input}: no such file or folder");
        }
        return new ImagePathSource([.. paths], [.. labels], classNames ?? [], maxPixels);
    }

    private static List<string> ImageFiles(string root)
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            AttributesToSkip = FileAttributes.ReparsePoint,
            // as fit: a folder that cannot be read is refused in one line, not skipped unseen
            IgnoreInaccessible = false,
        };
        var files = Directory.EnumerateFiles(root, "*", options)
            .Where(f => ImageDecoder.Extensions.Contains(Path.GetExtension(f))).ToList();
        files.Sort(StringComparer.Ordinal);
        return files;
    }
}
