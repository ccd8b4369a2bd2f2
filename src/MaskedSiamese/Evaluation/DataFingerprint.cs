using System.Globalization;
using MaskedSiamese.Data;

namespace MaskedSiamese.Evaluation;

/// <summary>
/// A short text that changes when the images behind a source change, for feature cache keys: every item's path
/// relative to its folder, label, size and modification time (folders), or the IDX files' sizes and modification
/// times (Fashion-MNIST). Swapping two class folders, replacing or touching an image changes it; no image is read.
/// </summary>
internal static class DataFingerprint
{
    /// <summary>The fingerprint of <paramref name="source"/> (a hash), or "unknown" for sources of other
    /// kinds.</summary>
    public static string Of(IImageSource source) => source switch
    {
        ImageFolderSource folder => FeatureCache.Key(Enumerable.Range(0, folder.Count).Select(i =>
            Stat(folder.PathOf(i), Path.GetRelativePath(folder.Root, folder.PathOf(i))) + "\t" +
            folder.Label(i).ToString(CultureInfo.InvariantCulture))),
        FashionMnistSource fmnist => FeatureCache.Key(fmnist.SourceFiles.Select(f => Stat(f, f))),
        _ => "unknown",
    };

    private static string Stat(string path, string name)
    {
        var info = new FileInfo(path);
        return info.Exists
            ? string.Create(CultureInfo.InvariantCulture, $"{name}\t{info.Length}\t{info.LastWriteTimeUtc.Ticks}")
            : name + "\tmissing";
    }
}
