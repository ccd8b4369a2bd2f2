using MaskedSiamese.Data;
using MaskedSiamese.Tests.Evaluation;

namespace MaskedSiamese.Tests.Data;

public sealed class ContentFingerprintTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-fingerprint-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string Copy(string name) =>
        Path.Combine(TinySetup.WriteImageFolder(Path.Combine(_dir, name)), "train");

    private static string Of(string folder) => ContentFingerprint.Of(ImageFolderSource.Open(folder));

    [Fact]
    public void Copies_in_other_places_and_with_other_dates_agree()
    {
        string a = Copy("machine-a"), b = Copy("machine-b");
        File.SetLastWriteTimeUtc(Path.Combine(b, "c0", "0.png"), new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        Assert.Equal(Of(a), Of(b));
    }

    [Fact]
    public void An_image_replaced_a_class_renamed_or_an_image_moved_to_another_class_differ()
    {
        string a = Copy("a");
        string original = Of(a);
        string replaced = Copy("replaced");
        File.Copy(Path.Combine(replaced, "c1", "0.png"), Path.Combine(replaced, "c1", "1.png"), overwrite: true);
        string renamed = Copy("renamed");
        Directory.Move(Path.Combine(renamed, "c2"), Path.Combine(renamed, "c9"));
        string moved = Copy("moved");
        File.Move(Path.Combine(moved, "c0", "0.png"), Path.Combine(moved, "c1", "moved.png"));
        Assert.NotEqual(original, Of(replaced));
        Assert.NotEqual(original, Of(renamed));
        Assert.NotEqual(original, Of(moved));
    }

    [Fact]
    public void Other_sources_are_fingerprinted_by_their_pixels()
    {
        Assert.Equal(ContentFingerprint.Of(new SyntheticSource(6)), ContentFingerprint.Of(new SyntheticSource(6)));
        Assert.NotEqual(ContentFingerprint.Of(new SyntheticSource(6)),
            ContentFingerprint.Of(new SyntheticSource(6, width: 27)));
    }
}
