using System.Globalization;
using System.Text;
using System.Text.Json;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Data;
using MaskedSiamese.IO;
using TorchSharp;

namespace MaskedSiamese.Evaluation;

/// <summary>
/// Images to embed and the files embeddings are written to: CSV (<c>path,label,f0,f1,…</c>, one row per image, the
/// label empty when unknown) or safetensors (<c>features</c> [N, F] float32, <c>labels</c> [N] int64 with −1 for
/// unknown, the paths and class names as JSON in the metadata).
/// </summary>
public static class EmbeddingFiles
{
    /// <summary>
    /// Opens the images of <paramref name="location"/>: Fashion-MNIST's <c>train</c> or <c>test</c> set (paths
    /// <c>fashion-mnist/train/&lt;index&gt;</c>), a root's <c>train/</c> or <c>val/</c> folder when it has one, else
    /// the folder itself (labelled by class subfolders, or unlabeled when flat).
    /// </summary>
    /// <param name="location"><c>fashion-mnist</c>, <c>fashion-mnist:FOLDER</c> or a folder.</param>
    /// <param name="split"><c>train</c>, or <c>test</c>/<c>val</c>.</param>
    /// <param name="log">Receives one line per unreadable file.</param>
    /// <returns>The source and the path of each item.</returns>
    public static (IImageSource Source, Func<int, string> PathOf) Open(string location, string split = "train",
        TextWriter? log = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        ArgumentNullException.ThrowIfNull(split);
        bool train = split switch
        {
            "train" => true,
            "test" or "val" => false,
            _ => throw new ArgumentException($"split '{split}': expected train, val or test"),
        };
        var where = DatasetLocation.Parse(location);
        var source = where.OpenSplit(train, log);
        if (source is ImageFolderSource folder) return (folder, folder.PathOf);
        string prefix = train ? "fashion-mnist/train/" : "fashion-mnist/test/";
        return (source, i => prefix + i.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Writes <c>path,label,f0,…</c> rows (invariant culture, round-trip floats) atomically.</summary>
    public static void WriteCsv(string path, FeatureTable features, Func<int, string> pathOf)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(pathOf);
        int n = features.Count, d = features.Dimension;
        float[] values;
        using (torch.NewDisposeScope())
            values = features.Features.to(torch.float32).cpu().contiguous().data<float>().ToArray();
        AtomicFile.Write(path, stream =>
        {
            using var w = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            w.Write("path,label");
            for (int j = 0; j < d; j++) w.Write(string.Create(CultureInfo.InvariantCulture, $",f{j}"));
            w.Write('\n');
            for (int r = 0; r < n; r++)
            {
                w.Write(CsvField(pathOf(features.Indices[r])));
                w.Write(',');
                if (features.Labels[r] >= 0) w.Write(features.Labels[r].ToString(CultureInfo.InvariantCulture));
                for (int j = 0; j < d; j++)
                {
                    w.Write(',');
                    w.Write(values[(long)r * d + j].ToString("R", CultureInfo.InvariantCulture));
                }
                w.Write('\n');
            }
        });
    }

    /// <summary>Writes <c>features</c>, <c>labels</c> and, in the metadata, <c>paths</c> (JSON array),
    /// <c>class_names</c> and <paramref name="metadata"/>.</summary>
    public static void WriteSafetensors(string path, FeatureTable features, Func<int, string> pathOf,
        IReadOnlyList<string>? classNames = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(pathOf);
        using var labels = torch.tensor(features.Labels.Select(l => (long)l).ToArray());
        var meta = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>())
        {
            ["format"] = "maskedsiamese-embeddings",
            ["paths"] = JsonSerializer.Serialize(features.Indices.Select(pathOf).ToArray()),
            ["class_names"] = JsonSerializer.Serialize(classNames ?? []),
        };
        SafetensorsFile.Write(path, [new("features", features.Features), new("labels", labels)], meta);
    }

    private static string CsvField(string s) =>
        s.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
}
