using System.Globalization;
using MaskedSiamese.Data;

namespace MaskedSiamese.Evaluation;

/// <summary>
/// The labelled train and test images of an evaluation: Fashion-MNIST's train and test sets
/// (<c>fashion-mnist</c> or <c>fashion-mnist:FOLDER</c>), or a folder's <c>train/</c> and <c>val/</c>.
/// </summary>
/// <param name="Location">As given.</param>
/// <param name="Train">Where the labelled subsets come from.</param>
/// <param name="Test">What accuracy is measured on.</param>
/// <param name="IsFashionMnist">Whether this is Fashion-MNIST (raw-pixel baseline on its 784 bytes).</param>
/// <param name="TrainIdentity">Cache identity of the training images (location, split, count, and a fingerprint of
/// the files: paths, labels, sizes, modification times).</param>
/// <param name="TestIdentity">Cache identity of the test images.</param>
public sealed record EvaluationData(string Location, IImageSource Train, IImageSource Test, bool IsFashionMnist,
    string TrainIdentity, string TestIdentity)
{
    /// <summary>Opens <paramref name="location"/>; unreadable images are reported to <paramref name="log"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder, or its train/ or val/, is missing.</exception>
    public static EvaluationData Open(string location, TextWriter? log = null)
    {
        var where = DatasetLocation.Parse(location);
        if (where.IsFashionMnist)
        {
            var train = where.OpenFashionMnist(train: true);
            var test = where.OpenFashionMnist(train: false);
            string folder = FashionMnistRoot(where);
            return new EvaluationData(location, train, test, true, Identity(folder, "train", train),
                Identity(folder, "test", test));
        }
        var (tr, val) = where.OpenTrainVal(log);
        return new EvaluationData(location, tr, val, false, Identity(tr.Root, "train", tr),
            Identity(val.Root, "val", val));
    }

    /// <summary>The cache identity of the training images of <paramref name="location"/> opened as
    /// <paramref name="train"/>: the same text <see cref="Open"/> gives, so that features cached by one command serve
    /// the others.</summary>
    public static string TrainIdentityOf(string location, IImageSource train)
    {
        ArgumentNullException.ThrowIfNull(train);
        var where = DatasetLocation.Parse(location);
        string root = where.IsFashionMnist ? FashionMnistRoot(where)
            : train is ImageFolderSource folder ? folder.Root : Path.GetFullPath(location);
        return Identity(root, "train", train);
    }

    private static string FashionMnistRoot(DatasetLocation where) =>
        "fashion-mnist:" + (where.FashionMnistFolder is { } f ? Path.GetFullPath(f) : FashionMnist.DebianFolder);

    // The content fingerprint makes a cached feature set stale as soon as the images behind it change.
    private static string Identity(string where, string split, IImageSource images) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{where} split {split} count {images.Count} content {DataFingerprint.Of(images)}");
}
