namespace MaskedSiamese.Data;

/// <summary>
/// Opens an ImageNet-style root holding <c>train/</c> and optionally <c>val/</c>, each laid out as
/// <see cref="ImageFolderSource"/> expects: the training split for pretraining, both for evaluation.
/// </summary>
public static class ImageFolderSplits
{
    /// <summary>The <c>train/</c> split of <paramref name="root"/> (the list file, if any, selects within
    /// it).</summary>
    /// <exception cref="DirectoryNotFoundException"><c>root/train</c> does not exist.</exception>
    public static ImageFolderSource OpenTrain(string root, ImageFolderOptions? options = null) =>
        ImageFolderSource.Open(Split(root, "train"), options);

    /// <summary>
    /// The <c>train/</c> and <c>val/</c> splits; the validation labels use the training split's class names, and the
    /// list file applies to the training split only (as the official low-shot subsets do).
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">A split folder does not exist.</exception>
    public static (ImageFolderSource Train, ImageFolderSource Val) OpenTrainVal(string root,
        ImageFolderOptions? options = null)
    {
        options ??= new ImageFolderOptions();
        var train = OpenTrain(root, options);
        var val = ImageFolderSource.Open(Split(root, "val"),
            options with { ListFile = null, ClassNames = train.ClassNames });
        return (train, val);
    }

    private static string Split(string root, string name)
    {
        string dir = Path.Combine(root, name);
        return Directory.Exists(dir)
            ? dir
            : throw new DirectoryNotFoundException($"{Path.GetFullPath(root)} has no '{name}' folder (expected " +
                $"{name}/class_x/*.jpg)");
    }
}
