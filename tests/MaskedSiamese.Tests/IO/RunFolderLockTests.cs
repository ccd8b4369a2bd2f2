using MaskedSiamese.IO;
using MaskedSiamese.Tests.Evaluation;
using MaskedSiamese.Tests.Support;

namespace MaskedSiamese.Tests.IO;

/// <summary>
/// One process per run folder: a second <c>msn pretrain</c> or <c>msn finetune</c> into a folder being written is
/// refused in one line and touches nothing (two pretrainings into one folder used to both exit 0, the log of one and
/// the checkpoint of the other). The claim is an OS lock: it ends with its holder.
/// </summary>
public sealed class RunFolderLockTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-runlock-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static (int Code, string Error) Msn(params string[] args) => InProcessMsn.Run(args);

    [Fact]
    public void A_folder_claimed_by_a_run_refuses_a_second_one_and_is_free_again_after()
    {
        string run = Path.Combine(_dir, "run");
        string[] pretrain = ["pretrain", "--config", "smoke", "--no-eval", "-o", run, "--max-steps", "1", "--set",
            "criterion.batch_size=8"];
        using (var held = FolderLock.TryAcquire(run))
        {
            Assert.NotNull(held);
            Assert.Null(FolderLock.TryAcquire(run));
            var (code, error) = Msn(pretrain);
            Assert.Equal(1, code);
            Assert.Contains("another msn process is training in this folder", error);
            Assert.DoesNotContain('\n', error);
            // nothing written
            Assert.Equal([FolderLock.FileName], Directory.GetFileSystemEntries(run).Select(Path.GetFileName));

            string checkpoint = TinySetup.WriteCheckpoint(_dir);
            string images = TinySetup.WriteImageFolder(_dir, trainPerClass: 2, valPerClass: 1);
            (code, error) = Msn("finetune", "-c", checkpoint, "--data", Path.Combine(images, "train"), "-o",
                Path.Combine(_dir, "f.msnc"), "--run-dir", run, "--epochs", "1");
            Assert.Equal(1, code);
            Assert.Contains("another msn process", error);
        }
        Assert.Equal(0, Msn(pretrain).Code);   // released with its holder
        using var again = FolderLock.TryAcquire(run);
        Assert.NotNull(again);   // and the run released it when it ended
    }
}
