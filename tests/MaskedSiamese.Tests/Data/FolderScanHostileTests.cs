using System.Diagnostics;
using MaskedSiamese.Data;
using SkiaSharp;

namespace MaskedSiamese.Tests.Data;

/// <summary>Issue 16, item 4: a folder scan opens only regular files and cannot loop through symbolic links.</summary>
public sealed class FolderScanHostileTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("msn-scan-hostile-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Dir(params string[] parts)
    {
        string d = Path.Combine([_root, .. parts]);
        Directory.CreateDirectory(d);
        return d;
    }

    private static void Png(string path) =>
        TestImageFiles.WriteSkia(path, 4, 4, new SKColor(10, 20, 30), SKEncodedImageFormat.Png);

    private static void MakeFifo(string path)
    {
        using var p = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
    }

    // Runs the scan on a worker so that a hang fails the test instead of blocking the run.
    private static ImageFolderSource OpenWithin(string root, ImageFolderOptions options, int seconds = 20)
    {
        var open = Task.Run(() => ImageFolderSource.Open(root, options));
        Assert.True(open.Wait(TimeSpan.FromSeconds(seconds)), $"scan of {root} did not finish within {seconds} s");
        return open.Result;
    }

    [Fact]
    public void A_fifo_named_like_an_image_is_a_counted_skip_not_a_hang()
    {
        string cls = Dir("train", "classA");
        Png(Path.Combine(cls, "good.png"));
        MakeFifo(Path.Combine(cls, "fifo.png"));
        var log = new StringWriter();

        var source = OpenWithin(Path.Combine(_root, "train"), new ImageFolderOptions { Log = log });

        Assert.Equal(1, source.Count);
        Assert.Equal(1, source.SkippedCount);
        Assert.Contains("fifo.png: not a regular file", log.ToString(), StringComparison.Ordinal);
        Assert.Null(ImageDecoder.TryDecode(Path.Combine(cls, "fifo.png"), out string? why));
        Assert.Contains("not a regular file", why, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fifo_in_a_list_file_is_a_counted_skip_not_a_hang()
    {
        string cls = Dir("train", "classA");
        Png(Path.Combine(cls, "good.png"));
        MakeFifo(Path.Combine(cls, "fifo.png"));
        string list = Path.Combine(_root, "list.txt");
        File.WriteAllLines(list, ["classA/good.png", "classA/fifo.png"]);

        var source = OpenWithin(Path.Combine(_root, "train"), new ImageFolderOptions { ListFile = list });

        Assert.Equal(1, source.Count);
        Assert.Equal(1, source.SkippedCount);
    }

    [Fact]
    public void Symbolic_link_loops_are_not_followed_and_every_image_counts_once()
    {
        string a = Dir("train", "classA"), nested = Dir("train", "classA", "nested");
        Png(Path.Combine(a, "a1.png"));
        Png(Path.Combine(nested, "a2.png"));
        // Links back to the class folder and to the split root: followed, they repeat the tree without end.
        Directory.CreateSymbolicLink(Path.Combine(nested, "loop"), a);
        Directory.CreateSymbolicLink(Path.Combine(a, "up"), Path.Combine(_root, "train"));
        // A class folder that is itself a link (one hop from the root) is followed, as are links to files.
        string elsewhere = Dir("elsewhere");
        Png(Path.Combine(elsewhere, "b1.png"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "train", "classB"), elsewhere);
        File.CreateSymbolicLink(Path.Combine(a, "a3.png"), Path.Combine(elsewhere, "b1.png"));
        var log = new StringWriter();

        var source = OpenWithin(Path.Combine(_root, "train"), new ImageFolderOptions { Log = log });

        Assert.Equal(["classA", "classB"], source.ClassNames);
        var names = Enumerable.Range(0, source.Count)
            .Select(i => Path.GetRelativePath(source.Root, source.PathOf(i))).ToArray();
        Assert.Equal([Path.Combine("classA", "a1.png"), Path.Combine("classA", "a3.png"),
            Path.Combine("classA", "nested", "a2.png"), Path.Combine("classB", "b1.png")], names);
        Assert.Equal(0, source.SkippedCount);
        Assert.Contains("not following the symbolic link", log.ToString(), StringComparison.Ordinal);
    }
}
