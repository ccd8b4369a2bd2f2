using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace MaskedSiamese.Data;

/// <summary>
/// A SHA-256 of what a set of images holds, for processes on several machines to check that each reads the same
/// data: class names, and per image its label, its path under the folder (not where the folder sits on a machine)
/// and its file's bytes. Fashion-MNIST: its IDX files' bytes. Other sources: the decoded pixels. It reads every byte
/// once, as an epoch does; the feature caches' key reads file dates instead, which differ between machines.
/// </summary>
public static class ContentFingerprint
{
    /// <summary>The fingerprint of <paramref name="source"/>, as lowercase hex.</summary>
    public static string Of(IImageSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, $"{source.Count} images; classes {string.Join("|", source.ClassNames)}");
        switch (source)
        {
            case FashionMnistSource mnist:
                foreach (string file in mnist.SourceFiles) AppendFile(hash, Path.GetFileName(file), file);
                break;
            case ImageFolderSource folder:
                for (int i = 0; i < folder.Count; i++)
                    AppendFile(hash, Label(folder, i) + Path.GetRelativePath(folder.Root, folder.PathOf(i)),
                        folder.PathOf(i));
                break;
            default:
                for (int i = 0; i < source.Count; i++)
                {
                    var image = source.TryGet(i);
                    Append(hash, Label(source, i) + (image is null ? "unreadable" : $"{image.Width}x{image.Height}"));
                    if (image is not null) hash.AppendData(image.Rgb);
                }
                break;
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static string Label(IImageSource source, int index) =>
        source.Label(index).ToString(CultureInfo.InvariantCulture) + " ";

    private static void AppendFile(IncrementalHash hash, string name, string path)
    {
        Append(hash, name);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        Append(hash, stream.Length.ToString(CultureInfo.InvariantCulture));
        var buffer = new byte[1 << 16];
        int read;
        while ((read = stream.Read(buffer)) > 0) hash.AppendData(buffer, 0, read);
    }

    private static void Append(IncrementalHash hash, string text) =>
        hash.AppendData(Encoding.UTF8.GetBytes(text + "\n"));
}
