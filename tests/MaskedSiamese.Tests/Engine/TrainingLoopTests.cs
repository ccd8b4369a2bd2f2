using MaskedSiamese.Diagnostics;
using MaskedSiamese.Engine;

namespace MaskedSiamese.Tests.Engine;

/// <summary>The loop drives a task that is not MSN (a toy regression): training, resume, NaN stop, cancellation,
/// rank-0-only files.</summary>
public sealed class TrainingLoopTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-loop-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private TrainingLoopOptions Options(string name, long? maxSteps = null, bool resume = false) => new()
    {
        RunFolder = Path.Combine(_dir, name),
        Tag = "toy",
        Threads = 1,
        CheckpointEvery = 3,
        LogEvery = 1,
        KeepCheckpoints = 2,
        TensorBoard = false,
        MaxSteps = maxSteps,
        Resume = resume,
        ConfigText = "toy: true\n",
    };

    [Fact]
    public void A_task_that_is_not_MSN_trains_through_the_loop_with_its_own_log_columns_checkpoints_and_reports()
    {
        using var task = new ToyRegressionTask(stepsPerEpoch: 5, epochs: 4);
        var outcome = new TrainingLoop(Options("toy"), StepContext.Cpu).Run(task);

        Assert.Equal(20, outcome.StepsDone);
        Assert.True(outcome.Completed);
        var rows = RunLog.ReadCsv(Path.Combine(_dir, "toy", "toy.csv"));
        Assert.Equal(["step", "epoch", "loss", "w_norm", "ms", "data_ms"], rows[0].Keys);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (double)i), rows.Select(r => r["step"]));
        Assert.True(rows[^1]["loss"] < rows[0]["loss"] / 100, $"loss {rows[0]["loss"]} -> {rows[^1]["loss"]}");
        var checkpoints = Directory.GetFiles(Path.Combine(_dir, "toy", "checkpoints")).Select(Path.GetFileName).Order();
        Assert.Equal(["toy-ep003.safetensors", "toy-ep004.safetensors", "toy-latest.safetensors"], checkpoints);
        Assert.Equal("20 rows", File.ReadAllText(Path.Combine(_dir, "toy", "report.txt")));
        Assert.Equal("toy: true\n", File.ReadAllText(Path.Combine(_dir, "toy", "config.yaml")));
    }

    [Fact]
    public void Stopping_and_resuming_gives_the_weights_and_log_of_an_uninterrupted_run()
    {
        float[] straight;
        using (var task = new ToyRegressionTask(5, 2))
        {
            new TrainingLoop(Options("straight"), StepContext.Cpu).Run(task);
            straight = task.Weights;
        }
        using (var first = new ToyRegressionTask(5, 2))
        {
            var stopped = new TrainingLoop(Options("resumed", maxSteps: 4), StepContext.Cpu).Run(first);
            Assert.Equal(4, stopped.StepsDone);
            Assert.False(stopped.Completed);
        }
        using var rest = new ToyRegressionTask(5, 2);
        var outcome = new TrainingLoop(Options("resumed", resume: true), StepContext.Cpu).Run(rest);

        Assert.Equal(10, outcome.StepsDone);
        Assert.Equal(straight, rest.Weights);
        Assert.Equal(RunLog.ReadCsv(Path.Combine(_dir, "straight", "toy.csv")).Select(r => (r["step"], r["loss"])),
            RunLog.ReadCsv(Path.Combine(_dir, "resumed", "toy.csv")).Select(r => (r["step"], r["loss"])));
    }

    [Fact]
    public void A_non_finite_loss_stops_the_run_and_keeps_the_last_good_checkpoint()
    {
        using var task = new ToyRegressionTask(5, 2, nanAtStep: 7);
        var e = Assert.Throws<NonFiniteLossException>(() =>
            new TrainingLoop(Options("nan"), StepContext.Cpu).Run(task));

        Assert.Equal(7, e.Step);
        Assert.Contains("the checkpoint of step 6 is kept", e.Message);
        using var reader = new BinaryReader(
            File.OpenRead(Path.Combine(_dir, "nan", "checkpoints", "toy-latest.safetensors")));
        Assert.Equal(6, reader.ReadInt64());   // checkpoints every 3 steps: 3, then 6; step 7 was never applied
    }

    [Fact]
    public void Cancelling_stops_after_the_current_step_with_a_checkpoint_of_the_step_reached()
    {
        using var task = new ToyRegressionTask(5, 4);
        using var stop = new CancellationTokenSource();
        var progress = new CancelAt(4, stop);
        var outcome = new TrainingLoop(Options("cancel"), StepContext.Cpu).Run(task, progress, stop.Token);

        Assert.Equal(4, outcome.StepsDone);
        Assert.False(outcome.Completed);
        using var reader = new BinaryReader(File.OpenRead(outcome.LatestCheckpoint!));
        Assert.Equal(4, reader.ReadInt64());
    }

    [Fact]
    public void A_stop_asked_of_one_rank_stops_every_rank_after_the_same_step()
    {
        // Ctrl-C reaches the processes of a job at different moments: the one asked decides for all, or the others
        // would wait forever in the next step's collectives.
        var steps = InProcessCollective.Run(2, collective =>
        {
            using var task = new ToyRegressionTask(5, 4);
            using var stop = new CancellationTokenSource();
            var progress = collective.Rank == 1 ? new CancelAt(3, stop) : null;
            var context = StepContext.Cpu with { Collective = collective };
            return new TrainingLoop(Options("agreed"), context).Run(task, progress, stop.Token).StepsDone;
        });

        Assert.Equal([3L, 3L], steps);
    }

    [Fact]
    public void Only_the_primary_rank_writes_files()
    {
        using var task = new ToyRegressionTask(5, 1);
        var context = StepContext.Cpu with { Collective = new SecondRank() };
        var outcome = new TrainingLoop(Options("rank1"), context).Run(task);

        Assert.Equal(5, outcome.StepsDone);
        Assert.Null(outcome.LatestCheckpoint);
        Assert.False(Directory.Exists(Path.Combine(_dir, "rank1"))
            && Directory.EnumerateFileSystemEntries(Path.Combine(_dir, "rank1")).Any());
    }

    [Fact]
    public void Resuming_a_folder_without_a_checkpoint_is_refused_naming_the_file()
    {
        using var task = new ToyRegressionTask(5, 1);
        var e = Assert.Throws<FileNotFoundException>(() =>
            new TrainingLoop(Options("none", resume: true), StepContext.Cpu).Run(task));
        Assert.Contains("toy-latest.safetensors", e.Message);
        Assert.Equal(0, task.Starts);
    }

    [Fact]
    public void A_new_run_in_a_folder_that_holds_one_is_refused_unless_told_to_overwrite()
    {
        using (var first = new ToyRegressionTask(5, 1)) new TrainingLoop(Options("again"), StepContext.Cpu).Run(first);
        string log = Path.Combine(_dir, "again", "toy.csv");
        string before = File.ReadAllText(log);

        using var second = new ToyRegressionTask(5, 1);
        var e = Assert.Throws<RunFolderInUseException>(() =>
            new TrainingLoop(Options("again"), StepContext.Cpu).Run(second));
        Assert.Contains("--resume", e.Message);
        Assert.Contains("--overwrite", e.Message);
        Assert.Equal(before, File.ReadAllText(log));

        var outcome = new TrainingLoop(Options("again") with { Overwrite = true }, StepContext.Cpu).Run(second);
        Assert.Equal(5, outcome.StepsDone);
        Assert.Throws<ArgumentException>(() =>
            new TrainingLoop(Options("again", resume: true) with { Overwrite = true }, StepContext.Cpu).Run(second));
    }

    [Fact]
    public void A_folder_of_a_run_from_before_tagged_file_names_is_neither_replaced_nor_resumed_silently()
    {
        string checkpoints = Directory.CreateDirectory(Path.Combine(_dir, "old", "checkpoints")).FullName;
        File.WriteAllText(Path.Combine(checkpoints, "latest.safetensors"), "old run");
        using var task = new ToyRegressionTask(5, 1);
        var fresh = Assert.Throws<RunFolderInUseException>(() =>
            new TrainingLoop(Options("old"), StepContext.Cpu).Run(task));
        Assert.Contains("latest.safetensors", fresh.Message);
        var resumed = Assert.Throws<FileNotFoundException>(() =>
            new TrainingLoop(Options("old", resume: true), StepContext.Cpu).Run(task));
        Assert.Contains("rename it to toy-latest.safetensors", resumed.Message);
    }

    [Fact]
    public void Temporary_files_left_by_a_killed_write_are_removed_at_start_and_live_ones_are_kept()
    {
        string checkpoints = Path.Combine(_dir, "stale", "checkpoints");
        Directory.CreateDirectory(checkpoints);
        string stale = Path.Combine(checkpoints, $".toy-latest.safetensors.{int.MaxValue - 1}.{Guid.NewGuid():N}.tmp");
        string live = Path.Combine(checkpoints,
            $".toy-latest.safetensors.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        string foreign = Path.Combine(checkpoints, ".notes.tmp");
        foreach (var f in new[] { stale, live, foreign }) File.WriteAllText(f, "x");

        using var task = new ToyRegressionTask(5, 1);
        new TrainingLoop(Options("stale"), StepContext.Cpu).Run(task);

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(foreign));
    }

    [Fact]
    public void Epoch_checkpoints_are_kept_in_numeric_order_past_epoch_999()
    {
        var store = new CheckpointStore(Path.Combine(_dir, "many"), "run", keep: 2);
        foreach (int epoch in new[] { 998, 999, 1000, 1001, 1002 })
            store.Save(path => File.WriteAllText(path,
                epoch.ToString(System.Globalization.CultureInfo.InvariantCulture)), epoch);

        var left = Directory.GetFiles(store.Folder).Select(Path.GetFileName).Order();
        Assert.Equal(["run-ep1001.safetensors", "run-ep1002.safetensors", "run-latest.safetensors"], left);
    }

    /// <summary>Rank 1 of 2 whose partner asks nothing: the toy task calls no collective operation, and the loop's
    /// per-step "anyone asked to stop?" sum is this rank's own flag.</summary>
    private sealed class SecondRank : ICollective
    {
        public int Rank => 1;

        public int WorldSize => 2;

        public void AllReduceSum(TorchSharp.torch.Tensor tensor) => ArgumentNullException.ThrowIfNull(tensor);

        public void AllReduceMean(TorchSharp.torch.Tensor tensor) => throw new InvalidOperationException();

        public void Broadcast(TorchSharp.torch.Tensor tensor, int root = 0) => throw new InvalidOperationException();
    }

    private sealed class CancelAt(long step, CancellationTokenSource stop) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (value.Step == step) stop.Cancel();
        }
    }
}
