using System.Collections.Concurrent;

namespace MaskedSiamese.Data;

/// <summary>
/// Images in a folder, torchvision <c>ImageFolder</c> style: <c>root/class_x/**/*.jpg</c> labelled by the
/// ordinal-sorted subfolder names, or, when the folder has no subfolders, a flat unlabeled folder of images. Files are
/// checked at construction (header only, unless <see cref="ImageFolderOptions.DecodeUpFront"/>) so that
/// <see cref="Count"/> counts readable images; a file that still fails later makes <see cref="TryGet"/> return null.
/// Every skipped file is logged once and counted.
/// </summary>
public sealed class ImageFolderSource : IImageSource
{
    private readonly string[] _paths;
    private readonly int[] _labels;
    private readonly long[] _pixels;
    private readonly TextWriter? _log;
    private readonly ConcurrentDictionary<int, bool> _lateFailures = new();
    private readonly Lock _logLock = new();
    private readonly int _upFrontSkipped;
    private readonly long _maxPixels;

    private ImageFolderSource(string root, string[] paths, int[] labels, long[] pixels,
        IReadOnlyList<string> classNames, int upFrontSkipped, ImageFolderOptions options)
    {
        _pixels = pixels;
        Root = root;
        _paths = paths;
        _labels = labels;
        ClassNames = classNames;
        _upFrontSkipped = upFrontSkipped;
        _log = options.Log;
        _maxPixels = options.MaxPixels;
    }

    /// <summary>The folder the images come from.</summary>
    public string Root { get; }

    /// <inheritdoc/>
    public int Count => _paths.Length;

    /// <inheritdoc/>
    public IReadOnlyList<string> ClassNames { get; }

    /// <inheritdoc/>
    public int SkippedCount => _upFrontSkipped + _lateFailures.Count;

    /// <summary>The file of item <paramref name="index"/>.</summary>
    public string PathOf(int index) => _paths[index];

    /// <inheritdoc/>
    public int Label(int index) => _labels[index];

    /// <inheritdoc/>
    public long PixelCount(int index) => _pixels[index];   // from the scan's header check: no file read here

    /// <inheritdoc/>
    public RgbImage? TryGet(int index)
    {
        var image = ImageDecoder.TryDecode(_paths[index], _maxPixels, out string? error);
        if (image is null && _lateFailures.TryAdd(index, true)) Warn(_paths[index], error);
        return image;
    }

    /// <summary>Scans <paramref name="root"/> and checks its images.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">No image in the folder (or the list) could be read.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="ImageFolderOptions.MaxPixels"/> is out of
    /// range.</exception>
    public static ImageFolderSource Open(string root, ImageFolderOptions? options = null)
    {
        options ??= new ImageFolderOptions();
        if (options.MaxPixels <= 0 || options.MaxPixels > ImageDecoder.MaxPixelsLimit)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxPixels,
                $"ImageFolderOptions.MaxPixels must be in 1..{ImageDecoder.MaxPixelsLimit}");
        root = Path.GetFullPath(root);
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"Image folder {root} does not exist");
        var classDirs = Directory.GetDirectories(root).Select(Path.GetFileName).OfType<string>()
            .Order(StringComparer.Ordinal).ToArray();
        bool labeled = classDirs.Length > 0 || options.ClassNames is not null;
        IReadOnlyList<string> classNames = options.ClassNames ?? (labeled ? classDirs : []);

        var candidates = options.ListFile is { } list
            ? ImageListFile.Read(list, root, labeled)
            : Enumerate(root, labeled ? classDirs : null, options.Log);

        var classIndex = classNames.Select((c, i) => (c, i)).ToDictionary(t => t.c, t => t.i, StringComparer.Ordinal);
        var problems = new string?[candidates.Count];
        var labels = new int[candidates.Count];
        var pixels = new long[candidates.Count];
        Parallel.For(0, candidates.Count,
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var (path, cls) = candidates[i];
            labels[i] = -1;
            if (labeled && (cls is null || !classIndex.TryGetValue(cls, out labels[i])))
                problems[i] = $"class folder '{cls}' is not one of the {classNames.Count} classes";
            else if (!File.Exists(path))
                problems[i] = "file not found";
            else if (!options.DecodeUpFront)
                problems[i] = ImageDecoder.Probe(path, options.MaxPixels, out pixels[i]);
            else
            {
                var image = ImageDecoder.TryDecode(path, options.MaxPixels, out problems[i]);
                pixels[i] = image is null ? 0 : (long)image.Width * image.Height;
            }
        });

        var paths = new List<string>(candidates.Count);
        var kept = new List<int>(candidates.Count);
        var keptPixels = new List<long>(candidates.Count);
        int skipped = 0;
        for (int i = 0; i < candidates.Count; i++)
        {
            if (problems[i] is { } why)
            {
                skipped++;
                options.Log?.WriteLine($"warning: skipping {candidates[i].Path}: {why}");
                continue;
            }
            paths.Add(candidates[i].Path);
            kept.Add(labels[i]);
            keptPixels.Add(pixels[i]);
        }
        if (paths.Count == 0)
            throw new InvalidDataException(
                $"No readable images in {root}: {candidates.Count} candidate file(s), {skipped} unreadable" +
                (options.ListFile is null ? "" : $" (list {options.ListFile})"));
        return new ImageFolderSource(root, [.. paths], [.. kept], [.. keptPixels], classNames, skipped, options);
    }

    private static List<(string Path, string? Class)> Enumerate(string root, string[]? classDirs, TextWriter? log)
    {
        var found = new List<(string, string?)>();
        if (classDirs is null)
        {
            found.AddRange(ImageFiles(root, recurse: false, log).Select(f => (f, (string?)null)));
            return found;
        }
        foreach (var cls in classDirs)
            found.AddRange(ImageFiles(Path.Combine(root, cls), recurse: true, log).Select(f => (f, (string?)cls)));
        return found;
    }

    // Sorted so that item indices, and hence seeded batches, do not depend on the file system's listing order.
    // A class folder may itself be a symbolic link (one hop from the root), but symbolic links to folders inside it
    // are not followed: a link back to an ancestor would otherwise repeat the tree without end, and a followed
    // link can never lead anywhere that is then followed again. Links to files are kept (the file type is checked
    // on the target).
    private static List<string> ImageFiles(string dir, bool recurse, TextWriter? log)
    {
        var files = new List<string>();
        var pending = new Stack<DirectoryInfo>();
        pending.Push(new DirectoryInfo(dir));
        while (pending.Count > 0)
        {
            foreach (var entry in pending.Pop().EnumerateFileSystemInfos())
            {
                if (entry is FileInfo file)
                {
                    if (ImageDecoder.Extensions.Contains(file.Extension)) files.Add(file.FullName);
                }
                else if (entry is DirectoryInfo sub && recurse)
                {
                    if (sub.LinkTarget is null) pending.Push(sub);
                    else log?.WriteLine($"warning: not following the symbolic link {sub.FullName} (links to folders " +
                        $"are followed only as class folders)");
                }
            }
        }
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    private void Warn(string path, string? why)
    {
        if (_log is null) return;
        lock (_logLock) _log.WriteLine($"warning: skipping {path}: {why}");
    }
}
