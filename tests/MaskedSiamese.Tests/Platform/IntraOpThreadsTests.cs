using MaskedSiamese.Cli;
using MaskedSiamese.Platform;
using MaskedSiamese.Tests.Support;
using TorchSharp;

namespace MaskedSiamese.Tests.Platform;

/// <summary>LibTorch's thread count is process-wide and changes results in the last bits: a job that sets it for itself
/// restores it. (A training with <c>meta.threads: 1</c> once left the whole test host at one thread, and a classifier
/// fitted there afterwards gave other probabilities than in a fresh process.)</summary>
[Collection(ProcessWideTestGroup.Name)]
public sealed class IntraOpThreadsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-threads-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void A_scope_sets_the_count_and_restores_it()
    {
        int before = torch.get_num_threads();
        int other = before == 1 ? 2 : 1;
        using (IntraOpThreads.Use(other))
            Assert.Equal(other, torch.get_num_threads());
        Assert.Equal(before, torch.get_num_threads());
        using (IntraOpThreads.Use(0))
            Assert.Equal(before, torch.get_num_threads());
    }

    [Fact]
    public void A_training_with_its_own_thread_count_leaves_the_process_as_it_found_it()
    {
        int before = torch.get_num_threads();
        int other = before == 1 ? 2 : 1;
        using var error = new StringWriter();
        int code = CliRunner.Run(CliApp.CreateRoot(),
            ["pretrain", "--config", "smoke", "--no-eval", "-o", Path.Combine(_dir, "run"), "--max-steps", "1", "--set",
                "criterion.batch_size=8", "--set", $"meta.threads={other}"], error);
        Assert.True(code == 0, error.ToString());
        Assert.Equal(before, torch.get_num_threads());
    }
}
