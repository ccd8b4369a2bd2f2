using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Data.Augmentation;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Evaluation;

/// <summary>
/// A disk cache of <see cref="FeatureTable"/>, one safetensors file per key (<c>features</c> [N, F],
/// <c>indices</c>, <c>labels</c>, <c>dropped</c>; the key's description in the metadata). A key is the SHA-256 of
/// its parts: what produced the features (a checkpoint's content hash, "pixels", a random encoder's seed and
/// architecture), the data set's identity (location, split, count, and the files' paths, labels, sizes and
/// modification times, so that changed images are never answered from the cache), the transform and the feature choice,
/// so a sweep over the same checkpoint and data computes each set once.
/// </summary>
public sealed class FeatureCache
{
    /// <summary>Environment variable naming the cache folder.</summary>
    public const string EnvironmentVariable = "MSN_CACHE_DIR";

    /// <summary>A cache in <paramref name="directory"/> (created on first write).</summary>
    public FeatureCache(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
    }

    /// <summary>The folder holding the cached files.</summary>
    public string Directory { get; }

    /// <summary>Number of lookups answered from disk since this object was made.</summary>
    public int Hits { get; private set; }

    /// <summary>Number of lookups that had to compute.</summary>
    public int Misses { get; private set; }

    /// <summary><c>$MSN_CACHE_DIR</c>, else <c>~/.cache/maskedsiamese/features</c>.</summary>
    public static string DefaultDirectory =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } dir
            ? dir
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "maskedsiamese",
                "features");

    /// <summary>The cache at <see cref="DefaultDirectory"/>.</summary>
    public static FeatureCache Default() => new(DefaultDirectory);

    /// <summary>Hex SHA-256 of a file's bytes (streamed).</summary>
    public static string HashFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>The text that identifies an evaluation transform.</summary>
    public static string Describe(EvalTransform eval)
    {
        ArgumentNullException.ThrowIfNull(eval);
        return string.Create(CultureInfo.InvariantCulture,
            $"resize {eval.ResizeTo} crop {eval.CropSize} antialias {eval.Antialias} mean " +
            $"[{string.Join(",", eval.Mean.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}] std " +
            $"[{string.Join(",", eval.Std.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}]");
    }

    /// <summary>The cache key (hex SHA-256) of the given parts, joined by newlines.</summary>
    public static string Key(IEnumerable<string> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", parts))));
    }

    /// <summary>The file that holds the features of <paramref name="key"/>.</summary>
    public string PathOf(string key) => Path.Combine(Directory, key + ".safetensors");

    /// <summary>
    /// The features cached under the key of <paramref name="parts"/>, or, when absent or unreadable,
    /// <paramref name="compute"/>'s result, which is then stored.
    /// </summary>
    public FeatureTable GetOrCreate(IReadOnlyList<string> parts, Func<FeatureTable> compute)
    {
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentNullException.ThrowIfNull(compute);
        string path = PathOf(Key(parts));
        if (File.Exists(path))
        {
            try
            {
                var cached = Read(path);
                Hits++;
                return cached;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Any entry that cannot be read as a feature table (damaged, truncated, of another dtype or shape,
                // unreadable) is a miss: it is recomputed and overwritten.
            }
        }
        Misses++;
        var features = compute();
        System.IO.Directory.CreateDirectory(Directory);
        using var indices = torch.tensor(features.Indices.Select(i => (long)i).ToArray());
        using var labels = torch.tensor(features.Labels.Select(i => (long)i).ToArray());
        using var dropped = torch.tensor(features.Dropped.Select(i => (long)i).ToArray());
        SafetensorsFile.Write(path,
            [new("features", features.Features), new("indices", indices), new("labels", labels),
                new("dropped", dropped)],
            new Dictionary<string, string>
            {
                ["format"] = "maskedsiamese-features",
                ["key"] = string.Join("\n", parts),
            });
        return features;
    }

    private static FeatureTable Read(string path)
    {
        var file = SafetensorsFile.Read(path);
        FeatureTable? table = null;
        try
        {
            static int[] Ints(Tensor t) => t.dtype == ScalarType.Int64 && t.ndim == 1
                ? t.data<long>().Select(v => checked((int)v)).ToArray()
                : throw new InvalidDataException($"a cached index tensor of {t.dtype} [{string.Join(", ", t.shape)}]");
            var features = file["features"];
            if (features.dtype != ScalarType.Float32)
                throw new InvalidDataException($"cached features of {features.dtype}");
            table = new FeatureTable(features, Ints(file["indices"]), Ints(file["labels"]), Ints(file["dropped"]));
            return table;
        }
        finally
        {
            // The table owns its features; everything else, and everything on failure, is released here.
            foreach (var (name, t) in file.Tensors)
                if (table is null || name != "features") t.Dispose();
        }
    }
}
