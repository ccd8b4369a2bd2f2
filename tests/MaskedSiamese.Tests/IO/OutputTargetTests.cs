using System.Diagnostics;
using MaskedSiamese.Cli;
using MaskedSiamese.IO;
using MaskedSiamese.Tests.Evaluation;

namespace MaskedSiamese.Tests.IO;

/// <summary>
/// What msn writes to: regular files only. A folder, a FIFO or a link to a device is refused in one line and left as
/// it was (the atomic rename used to put a regular file in its place, exit 0); a link to a regular file is written
/// through and stays a link.
/// </summary>
public sealed class OutputTargetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-output-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string Fifo(string name)
    {
        string path = Path.Combine(_dir, name);
        using var mkfifo = Process.Start("mkfifo", path);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }

    [Fact]
    public void A_fifo_a_folder_and_a_link_to_a_device_are_refused_and_left_as_they_were()
    {
        string fifo = Fifo("out.fifo");
        Assert.Throws<OutputPathException>(() => AtomicFile.WriteAllText(fifo, "x"));
        Assert.False(FileKind.IsRegularFile(fifo));   // still a FIFO

        string folder = Directory.CreateDirectory(Path.Combine(_dir, "folder")).FullName;
        Assert.Contains("is a folder",
            Assert.Throws<OutputPathException>(() => AtomicFile.WriteAllText(folder, "x")).Message);
        Assert.True(Directory.Exists(folder));

        string toStdout = Path.Combine(_dir, "stdout-link");
        File.CreateSymbolicLink(toStdout, "/dev/null");
        Assert.Throws<OutputPathException>(() => AtomicFile.WriteAllText(toStdout, "x"));
        Assert.NotNull(new FileInfo(toStdout).LinkTarget);

        string dangling = Path.Combine(_dir, "dangling");
        File.CreateSymbolicLink(dangling, Path.Combine(_dir, "no", "such", "file"));
        Assert.Throws<OutputPathException>(() => AtomicFile.WriteAllText(dangling, "x"));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void A_link_to_a_regular_file_is_written_through_and_stays_a_link()
    {
        string real = Path.Combine(_dir, "real.txt");
        File.WriteAllText(real, "old");
        string link = Path.Combine(_dir, "link.txt");
        File.CreateSymbolicLink(link, real);
        AtomicFile.WriteAllText(link, "new");
        Assert.Equal("new", File.ReadAllText(real));
        Assert.Equal(real, new FileInfo(link).LinkTarget);
    }

    [Fact]
    public void Commands_refuse_such_outputs_in_one_line_with_exit_1()
    {
        string checkpoint = TinySetup.WriteCheckpoint(_dir);
        string images = TinySetup.WriteImageFolder(_dir, trainPerClass: 2, valPerClass: 1);
        string folder = Directory.CreateDirectory(Path.Combine(_dir, "an-existing-folder")).FullName;
        string fifo = Fifo("export.fifo");
        foreach (var args in new[]
        {
            new[] { "export", checkpoint, "--format", "onnx", "-o", fifo },
            ["export", checkpoint, "-o", folder],
            ["fit", "-c", checkpoint, "--data", Path.Combine(images, "train"), "-o", folder],
            ["embed", "-c", checkpoint, "--data", Path.Combine(images, "train"), "-o", folder],
            ["finetune", "-c", checkpoint, "--data", Path.Combine(images, "train"), "--epochs", "50", "-o", folder],
        })
        {
            using var error = new StringWriter();
            int code = CliRunner.Run(CliApp.CreateRoot(), args, error);
            string text = error.ToString().Trim();
            Assert.True(code == 1, $"msn {string.Join(' ', args)}: exit {code}: {text}");
            Assert.DoesNotContain('\n', text);
            Assert.Contains(Path.GetFileName(args[^1]), text);
        }
        Assert.False(FileKind.IsRegularFile(fifo));
        Assert.True(Directory.Exists(folder));
    }

    [Fact]
    public void A_write_killed_before_its_rename_leaves_a_temporary_file_that_the_next_write_removes()
    {
        string target = Path.Combine(_dir, "predictions.csv");
        string stale = Path.Combine(_dir, $".predictions.csv.99999999.{Guid.NewGuid():N}.tmp");   // no such process
        string other = Path.Combine(_dir, $".other.csv.99999999.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(stale, "half");
        File.WriteAllText(other, "half");
        AtomicFile.WriteAllText(target, "done");
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(other));   // another file's: left to its own next write
        Assert.Equal("done", File.ReadAllText(target));
    }
}
