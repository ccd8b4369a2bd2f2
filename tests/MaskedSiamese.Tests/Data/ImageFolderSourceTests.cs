using MaskedSiamese.Data;
using SkiaSharp;

namespace MaskedSiamese.Tests.Data;

public sealed class ImageFolderSourceTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("msn-data-test-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Dir(params string[] parts)
    {
        string d = Path.Combine([_root, .. parts]);
        Directory.CreateDirectory(d);
        return d;
    }

    /// <summary>
    /// classA: JPEG (200,30,30), RGBA PNG (255,0,0,a=128), 16-bit RGB PNG (0,65535,0);
    /// classB: palette PNG (10,20,250), 8-bit gray PNG (77), BMP (1,2,3), WebP (30,200,30), GIF (200,100,50), and
    /// four bad files (zero bytes, text named .png, truncated JPEG, a .txt that is not even considered).
    /// </summary>
    private static string MakeMixedFolder(string root)
    {
        string a = Path.Combine(root, "classA"), b = Path.Combine(root, "classB");
        Directory.CreateDirectory(a);
        Directory.CreateDirectory(b);
        TestImageFiles.WriteSkia(Path.Combine(a, "good.jpg"), 16, 16, new SKColor(200, 30, 30),
            SKEncodedImageFormat.Jpeg);
        TestImageFiles.WriteSkia(Path.Combine(a, "rgba.png"), 8, 8, new SKColor(255, 0, 0, 128),
            SKEncodedImageFormat.Png);
        TestImageFiles.WritePng(Path.Combine(a, "deep.png"), 4, 3, 2, 16,
            [.. Enumerable.Range(0, 4).SelectMany(_ => new byte[] { 0, 0, 0xFF, 0xFF, 0, 0 })]);
        TestImageFiles.WritePng(Path.Combine(b, "palette.png"), 4, 4, 3, 8, [1, 1, 1, 1],
            palette: [0, 0, 0, 10, 20, 250]);
        TestImageFiles.WritePng(Path.Combine(b, "gray.png"), 5, 2, 0, 8, [77, 77, 77, 77, 77]);
        TestImageFiles.WriteBmp(Path.Combine(b, "good.bmp"), 3, 2, 1, 2, 3);
        TestImageFiles.WriteSkia(Path.Combine(b, "good.webp"), 16, 16, new SKColor(30, 200, 30),
            SKEncodedImageFormat.Webp);
        // A 1×1 GIF whose only pixel is palette entry 0, (200, 100, 50): LZW code size 2, codes clear, 0, end.
        File.WriteAllBytes(Path.Combine(b, "tiny.gif"),
            [.. "GIF89a"u8, 1, 0, 1, 0, 0x80, 0, 0, 200, 100, 50, 0, 0, 0,
             0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0, 0x3B]);
        File.WriteAllBytes(Path.Combine(b, "zero.jpg"), []);
        File.WriteAllText(Path.Combine(b, "text.png"), "this is not a PNG\n");
        var jpeg = TestImageFiles.NoiseJpeg(64, 64);
        File.WriteAllBytes(Path.Combine(b, "truncated.jpg"), jpeg[..(jpeg.Length / 2)]);
        File.WriteAllText(Path.Combine(b, "notes.txt"), "ignored: not an image extension");
        return root;
    }

    private static (int R, int G, int B) Centre(RgbImage img)
    {
        int p = 3 * (img.Height / 2 * img.Width + img.Width / 2);
        return (img.Rgb[p], img.Rgb[p + 1], img.Rgb[p + 2]);
    }

    private static void Near((int R, int G, int B) expected, (int R, int G, int B) actual, int tolerance, string what)
    {
        Assert.True(Math.Abs(expected.R - actual.R) <= tolerance && Math.Abs(expected.G - actual.G) <= tolerance &&
            Math.Abs(expected.B - actual.B) <= tolerance, $"{what}: expected ≈{expected}, got {actual}");
    }

    [Fact]
    public void Valid_images_load_with_their_colours_and_labels_and_bad_files_are_counted_once()
    {
        var log = new StringWriter();
        var source = ImageFolderSource.Open(MakeMixedFolder(Dir("mixed")), new ImageFolderOptions { Log = log });

        Assert.Equal(["classA", "classB"], source.ClassNames);
        // Header probing rejects the empty and the text file up front; the truncated JPEG has a valid header.
        Assert.Equal(2, source.SkippedCount);
        Assert.Equal(9, source.Count);
        var byName = Enumerable.Range(0, source.Count).ToDictionary(i => Path.GetFileName(source.PathOf(i)));
        RgbImage Get(string name) => source.TryGet(byName[name]) ?? throw new InvalidOperationException(name);

        Near((200, 30, 30), Centre(Get("good.jpg")), 6, "JPEG");
        Near((128, 0, 0), Centre(Get("rgba.png")), 1, "RGBA PNG composited on black");
        Near((0, 255, 0), Centre(Get("deep.png")), 0, "16-bit PNG");
        Near((10, 20, 250), Centre(Get("palette.png")), 0, "palette PNG");
        Near((77, 77, 77), Centre(Get("gray.png")), 0, "gray PNG");
        Near((1, 2, 3), Centre(Get("good.bmp")), 0, "BMP");
        Near((30, 200, 30), Centre(Get("good.webp")), 8, "WebP");
        Near((200, 100, 50), Centre(Get("tiny.gif")), 0, "GIF");
        Assert.Equal((4, 3), (Get("deep.png").Width, Get("deep.png").Height));
        Assert.Equal(0, source.Label(byName["rgba.png"]));
        Assert.Equal(1, source.Label(byName["good.webp"]));

        // The truncated JPEG fails late: null, counted and logged once however often it is asked for.
        Assert.Null(source.TryGet(byName["truncated.jpg"]));
        Assert.Null(source.TryGet(byName["truncated.jpg"]));
        Assert.Equal(3, source.SkippedCount);
        var warnings = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, warnings.Length);
        Assert.Contains(warnings, w => w.Contains("zero.jpg"));
        Assert.Contains(warnings, w => w.Contains("text.png"));
        Assert.Contains(warnings, w => w.Contains("truncated.jpg"));
    }

    [Fact]
    public void Decoding_up_front_also_excludes_files_truncated_after_the_header()
    {
        var source = ImageFolderSource.Open(MakeMixedFolder(Dir("mixed")),
            new ImageFolderOptions { DecodeUpFront = true });
        Assert.Equal(8, source.Count);
        Assert.Equal(3, source.SkippedCount);
        Assert.All(Enumerable.Range(0, source.Count), i => Assert.NotNull(source.TryGet(i)));
    }

    [Fact]
    public void A_flat_folder_is_unlabeled()
    {
        string flat = Dir("flat");
        TestImageFiles.WriteBmp(Path.Combine(flat, "b.bmp"), 2, 2, 9, 9, 9);
        TestImageFiles.WriteBmp(Path.Combine(flat, "a.bmp"), 2, 2, 1, 1, 1);
        var source = ImageFolderSource.Open(flat);
        Assert.Empty(source.ClassNames);
        Assert.Equal(2, source.Count);
        Assert.Equal(-1, source.Label(0));
        Assert.EndsWith("a.bmp", source.PathOf(0), StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_or_unreadable_folders_are_refused_with_a_one_line_message_naming_the_folder()
    {
        string empty = Dir("empty");
        var e = Assert.Throws<InvalidDataException>(() => ImageFolderSource.Open(empty));
        Assert.Contains(empty, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);

        string junk = Dir("junk", "cls");
        File.WriteAllBytes(Path.Combine(junk, "x.jpg"), []);
        var e2 = Assert.Throws<InvalidDataException>(() => ImageFolderSource.Open(Path.Combine(_root, "junk")));
        Assert.Contains("junk", e2.Message, StringComparison.Ordinal);
        Assert.Throws<DirectoryNotFoundException>(() => ImageFolderSource.Open(Path.Combine(_root, "missing")));
    }

    [Fact]
    public void A_list_file_selects_a_subset_by_relative_path_or_by_official_bare_name()
    {
        string root = Dir("listed");
        foreach (var (cls, name) in new[] { ("n01", "n01_1.bmp"), ("n01", "n01_2.bmp"), ("n02", "n02_1.bmp"),
            ("n02", "n02_2.bmp") })
            TestImageFiles.WriteBmp(Path.Combine(Dir("listed", cls), name), 2, 2, 5, 5, 5);
        string list = Path.Combine(_root, "subset.txt");
        File.WriteAllLines(list, ["n01_2.bmp", "", "n02/n02_1.bmp", "n02_9.bmp"]);
        var log = new StringWriter();
        var source = ImageFolderSource.Open(root, new ImageFolderOptions { ListFile = list, Log = log });
        Assert.Equal(2, source.Count);
        Assert.Equal(["n01", "n02"], source.ClassNames);
        Assert.Equal([0, 1], new[] { source.Label(0), source.Label(1) });
        Assert.EndsWith("n01_2.bmp", source.PathOf(0), StringComparison.Ordinal);
        Assert.Equal(1, source.SkippedCount); // n02_9.bmp does not exist
        Assert.Contains("n02_9.bmp", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Train_and_val_splits_share_the_training_class_names()
    {
        TestImageFiles.WriteBmp(Path.Combine(Dir("ds", "train", "cat"), "1.bmp"), 2, 2, 1, 1, 1);
        TestImageFiles.WriteBmp(Path.Combine(Dir("ds", "train", "dog"), "1.bmp"), 2, 2, 1, 1, 1);
        TestImageFiles.WriteBmp(Path.Combine(Dir("ds", "val", "dog"), "1.bmp"), 2, 2, 1, 1, 1);
        var (train, val) = ImageFolderSplits.OpenTrainVal(Path.Combine(_root, "ds"));
        Assert.Equal(2, train.Count);
        Assert.Equal(["cat", "dog"], val.ClassNames);
        Assert.Equal(1, val.Label(0));
        Assert.Equal(2, ImageFolderSplits.OpenTrain(Path.Combine(_root, "ds")).Count);
        var e = Assert.Throws<DirectoryNotFoundException>(() => ImageFolderSplits.OpenTrain(Dir("nosplits")));
        Assert.Contains("train", e.Message, StringComparison.Ordinal);
    }
}
