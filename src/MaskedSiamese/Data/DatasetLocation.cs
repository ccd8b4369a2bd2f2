namespace MaskedSiamese.Data;

/// <summary>
/// Where images come from, as the user writes it (<c>--data</c>, <c>data.dataset</c>): <c>fashion-mnist</c> (the IDX
/// files of <see cref="FashionMnist.Load"/>'s default folder), <c>fashion-mnist:FOLDER</c>, or an image folder (a root
/// with <c>train/</c> and <c>val/</c>, or a plain folder of class subfolders or images). The one parser and opener of
/// data locations: pretraining, evaluation and embedding all open their images here.
/// </summary>
public sealed class DatasetLocation
{
    /// <summary>The name that selects the built-in Fashion-MNIST.</summary>
    public const string FashionMnistName = "fashion-mnist";

    private DatasetLocation(string text, bool isFashionMnist, string? fashionMnistFolder)
    {
        Text = text;
        IsFashionMnist = isFashionMnist;
        FashionMnistFolder = fashionMnistFolder;
    }

    /// <summary>The location as given.</summary>
    public string Text { get; }

    /// <summary>Whether this names Fashion-MNIST.</summary>
    public bool IsFashionMnist { get; }

    /// <summary>The IDX folder of <c>fashion-mnist:FOLDER</c>; null for the default folder or an image
    /// folder.</summary>
    public string? FashionMnistFolder { get; }

    /// <summary>Parses <paramref name="location"/> (names are case-insensitive; anything else, even empty, is a folder
    /// path, which the openers check).</summary>
    public static DatasetLocation Parse(string location)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (location.Equals(FashionMnistName, StringComparison.OrdinalIgnoreCase)) return new(location, true, null);
        if (location.StartsWith(FashionMnistName + ":", StringComparison.OrdinalIgnoreCase))
            return new(location, true, location[(FashionMnistName.Length + 1)..]);
        return new(location, false, null);
    }

    /// <summary>Fashion-MNIST's training or test set.</summary>
    /// <exception cref="InvalidOperationException">This is an image folder.</exception>
    public FashionMnistSource OpenFashionMnist(bool train) => IsFashionMnist
        ? FashionMnistSource.Load(FashionMnistFolder, train)
        : throw new InvalidOperationException($"{Text} is not Fashion-MNIST");

    /// <summary>The pretraining images: Fashion-MNIST's training set, or a folder's <c>train/</c> part when it has one
    /// (else the folder itself). Unreadable images are skipped and reported to <paramref name="log"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public IImageSource OpenPretraining(TextWriter? log = null)
    {
        if (IsFashionMnist) return OpenFashionMnist(train: true);
        var options = FolderOptions(log);
        return HasSplits ? ImageFolderSplits.OpenTrain(Text, options) : ImageFolderSource.Open(Text, options);
    }

    /// <summary>The <c>train/</c> and <c>val/</c> parts of a folder (validation labels use the training
    /// classes).</summary>
    /// <exception cref="DirectoryNotFoundException">The folder, or its train/ or val/, is missing.</exception>
    public (ImageFolderSource Train, ImageFolderSource Val) OpenTrainVal(TextWriter? log = null) =>
        ImageFolderSplits.OpenTrainVal(Text, FolderOptions(log));

    /// <summary>
    /// One split: Fashion-MNIST's training or test set, a root's <c>train/</c> or <c>val/</c>, or (train only) a plain
    /// folder itself (labelled by class subfolders, or unlabeled when flat).
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder, or the split's folder, is missing.</exception>
    public IImageSource OpenSplit(bool train, TextWriter? log = null)
    {
        if (IsFashionMnist) return OpenFashionMnist(train);
        var options = FolderOptions(log);
        if (HasSplits)
            return train
                ? ImageFolderSplits.OpenTrain(Text, options)
                : ImageFolderSplits.OpenTrainVal(Text, options).Val;
        if (train) return ImageFolderSource.Open(Text, options);
        throw new DirectoryNotFoundException($"{Path.GetFullPath(Text)} has no 'val' folder");
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    private bool HasSplits => Directory.Exists(Path.Combine(Text, "train"));

    private ImageFolderOptions FolderOptions(TextWriter? log) =>
        Directory.Exists(Text)
            ? new ImageFolderOptions { Log = log }
            : throw new DirectoryNotFoundException($"data folder '{Text}' does not exist");
}
