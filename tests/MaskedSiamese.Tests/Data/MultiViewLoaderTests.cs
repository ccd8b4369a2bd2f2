using MaskedSiamese.Data;
using MaskedSiamese.Data.Augmentation;
using TorchSharp;

namespace MaskedSiamese.Tests.Data;

public class MultiViewLoaderTests
{
    private static readonly AugmentationOptions Views = AugmentationOptions.FashionMnistDefaults with
    {
        FocalCount = 3,
    };
    private static readonly LoaderOptions Small = new() { BatchSize = 8, Seed = 42, Workers = 2, Prefetch = 2 };

    private static MultiViewLoader Loader(IImageSource? source = null, LoaderOptions? options = null) =>
        new(source ?? new SyntheticSource(43), Views, options ?? Small);

    /// <summary>Everything a batch holds, as plain arrays, so batches can be compared after disposal.</summary>
    private sealed record Snapshot(int Epoch, int Step, int[] Indices, int[] Labels, float[][] Views);

    private static Snapshot Take(MultiViewBatch b)
    {
        using (b)
            return new Snapshot(b.Epoch, b.Step, [.. b.Indices], [.. b.Labels],
                [.. b.Tensors.Select(t => t.data<float>().ToArray())]);
    }

    private static void Same(Snapshot a, Snapshot b)
    {
        Assert.Equal((a.Epoch, a.Step), (b.Epoch, b.Step));
        Assert.Equal(a.Indices, b.Indices);
        Assert.Equal(a.Views.Length, b.Views.Length);
        for (int v = 0; v < a.Views.Length; v++) Assert.Equal(a.Views[v], b.Views[v]);
    }

    private static List<Snapshot> Read(MultiViewLoader loader, int count, int epoch = 0, int step = 0) =>
        [.. loader.Read(epoch, step).Take(count).Select(Take)];

    [Fact]
    public void Batches_have_the_configured_shapes_and_each_epoch_is_a_permutation()
    {
        using var loader = Loader();
        Assert.Equal(5, loader.BatchesPerEpoch); // 43 / 8, last 3 dropped
        using (var b = loader.MakeBatch(0, 0))
        {
            Assert.Equal(new long[] { 8, 3, 32, 32 }, b.Target.shape);
            Assert.Equal(new long[] { 8, 3, 32, 32 }, b.Anchor.shape);
            Assert.Equal(3, b.Focal.Count);
            Assert.All(b.Focal, f => Assert.Equal(new long[] { 8, 3, 16, 16 }, f.shape));
            Assert.All(b.Tensors, t => Assert.Equal(torch.ScalarType.Float32, t.dtype));
            Assert.Equal(b.Indices.Select(i => i % 10), b.Labels);
            Assert.NotEqual(b.Target.data<float>().ToArray(), b.Anchor.data<float>().ToArray());
        }
        var epoch = Read(loader, 5);
        var seen = epoch.SelectMany(s => s.Indices).ToArray();
        Assert.Equal(40, seen.Distinct().Count());
        Assert.Equal(Enumerable.Range(0, 5), epoch.Select(s => s.Step));
    }

    [Fact]
    public void Two_ranks_at_half_the_batch_read_the_one_process_batch_interleaved_with_the_same_views()
    {
        // DistributedSampler: rank r takes every W-th item of the step's share of the permutation, from r on; the
        // views of an image depend on (seed, epoch, index) only, so they are those of the one-process batch.
        using var one = Loader();
        using var rank0 = Loader(options: Small with { BatchSize = 4, Rank = 0, WorldSize = 2 });
        using var rank1 = Loader(options: Small with { BatchSize = 4, Rank = 1, WorldSize = 2 });
        Assert.Equal(one.BatchesPerEpoch, rank0.BatchesPerEpoch);
        foreach (var (epoch, step) in new[] { (0, 0), (1, 3) })
        {
            var whole = Take(one.MakeBatch(epoch, step));
            var parts = new[] { Take(rank0.MakeBatch(epoch, step)), Take(rank1.MakeBatch(epoch, step)) };
            for (int row = 0; row < whole.Indices.Length; row++)
            {
                var part = parts[row % 2];
                Assert.Equal(whole.Indices[row], part.Indices[row / 2]);
                for (int v = 0; v < whole.Views.Length; v++)
                {
                    int size = whole.Views[v].Length / whole.Indices.Length;
                    Assert.Equal(whole.Views[v].AsSpan(row * size, size).ToArray(),
                        part.Views[v].AsSpan(row / 2 * size, size).ToArray());
                }
            }
        }
    }

    [Fact]
    public void Same_seed_gives_identical_batches_whatever_the_worker_count()
    {
        using var a = Loader();
        using var b = Loader(options: Small with { Workers = 1, Prefetch = 1 });
        var x = Read(a, 7);
        var y = Read(b, 7);
        for (int i = 0; i < 7; i++) Same(x[i], y[i]);
    }

    [Fact]
    public void Different_epoch_or_seed_gives_different_batches()
    {
        using var loader = Loader();
        using var other = Loader(options: Small with { Seed = 43 });
        var e0 = Take(loader.MakeBatch(0, 0));
        var e1 = Take(loader.MakeBatch(1, 0));
        var s43 = Take(other.MakeBatch(0, 0));
        Assert.NotEqual(e0.Indices, e1.Indices);
        Assert.NotEqual(e0.Indices, s43.Indices);
        Assert.NotEqual(e0.Views[0], e1.Views[0]);

        // The same item in two epochs gets different views.
        const int viewLen = 3 * 32 * 32;
        int first = Enumerable.Range(0, 8).First(k => loader.Permutation(1).ToList().IndexOf(e0.Indices[k]) < 40);
        int item = e0.Indices[first];
        var again = Take(loader.MakeBatch(1, loader.Permutation(1).ToList().IndexOf(item) / 8));
        int r = Array.IndexOf(again.Indices, item);
        Assert.NotEqual(e0.Views[0][(first * viewLen)..((first + 1) * viewLen)],
            again.Views[0][(r * viewLen)..((r + 1) * viewLen)]);
    }

    [Fact]
    public void Starting_at_a_step_gives_the_batches_of_an_uninterrupted_run()
    {
        using var loader = Loader();
        var full = Read(loader, 12); // crosses two epoch boundaries (5 per epoch)
        Assert.Equal((2, 1), (full[11].Epoch, full[11].Step));
        var resumed = Read(loader, 9, epoch: 0, step: 3);
        for (int i = 0; i < 9; i++) Same(full[3 + i], resumed[i]);
        var fromEpoch1 = Read(loader, 4, epoch: 1, step: 2);
        for (int i = 0; i < 4; i++) Same(full[7 + i], fromEpoch1[i]);
    }

    [Fact]
    public void A_bounded_number_of_epochs_ends()
    {
        using var loader = Loader();
        var all = loader.Read(startEpoch: 1, startStep: 4, epochs: 2).Select(Take).ToList();
        Assert.Equal(6, all.Count);
        Assert.Equal((2, 4), (all[^1].Epoch, all[^1].Step));
        Assert.Equal(0, loader.RunningWorkers);
    }

    [Fact]
    public void Leaving_the_loop_disposing_or_cancelling_leaves_no_worker_running()
    {
        using var loader = Loader(options: Small with { Workers = 3 });
        foreach (var b in loader.Read())
        {
            b.Dispose();
            // Mid-loop every worker is alive (an unbounded read never runs out of batches to build).
            Assert.Equal((0, 0), (b.Epoch, b.Step));
            Assert.Equal(3, loader.RunningWorkers);
            break;
        }
        Assert.Equal(0, loader.RunningWorkers);

        using var cts = new CancellationTokenSource();
        int taken = 0;
        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            foreach (var b in loader.Read(cancellation: cts.Token))
            {
                b.Dispose();
                if (++taken == 2) cts.Cancel();
            }
        });
        Assert.Equal(2, taken);
        Assert.Equal(0, loader.RunningWorkers);

        var enumerator = loader.Read().GetEnumerator();
        Assert.True(enumerator.MoveNext());
        enumerator.Current.Dispose();
        Assert.Equal(3, loader.RunningWorkers);
        loader.Dispose();
        Assert.Equal(0, loader.RunningWorkers);
        enumerator.Dispose();
    }

    [Fact]
    public void Workers_make_at_most_prefetch_batches_ahead_of_the_consumer()
    {
        var source = new SyntheticSource(400);
        using var loader = Loader(source, Small with { Workers = 3, Prefetch = 2 });
        using var reader = loader.Read().GetEnumerator();
        Assert.True(reader.MoveNext());
        reader.Current.Dispose();

        // With batch 0 taken the workers fill the window, batches 1 and 2, and then wait for the consumer: exactly
        // 24 reads. The wait for a 25th read is bounded and must run out; a loader that ignores the bound reads on.
        const int window = (1 + 2) * 8;
        var enough = TimeSpan.FromSeconds(30);
        var overrun = TimeSpan.FromMilliseconds(500);
        Assert.True(source.WaitForReads(window, enough), $"workers stopped at {source.Reads} reads, short of {window}");
        Assert.False(source.WaitForReads(window + 1, overrun), $"{source.Reads} reads: the workers overran the window");

        // Taking one more batch frees room for exactly one more.
        Assert.True(reader.MoveNext());
        reader.Current.Dispose();
        Assert.True(source.WaitForReads(window + 8, enough), $"workers stopped at {source.Reads} reads");
        Assert.False(source.WaitForReads(window + 9, overrun), $"{source.Reads} reads: the workers overran the window");
    }

    [Fact]
    public void A_worker_failure_reaches_the_consumer_and_stops_the_workers()
    {
        using var loader = Loader(new SyntheticSource(43, throwAt: 5));
        var e = Assert.Throws<InvalidOperationException>(() =>
        {
            foreach (var b in loader.Read()) b.Dispose();
        });
        Assert.Contains("synthetic failure", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, loader.RunningWorkers);
    }

    [Fact]
    public void Items_failing_late_are_replaced_by_the_next_readable_item()
    {
        var source = new SyntheticSource(16, unreadable: new HashSet<int> { 3, 4 });
        using var loader = Loader(source, Small with { BatchSize = 16 });
        var batch = Take(loader.MakeBatch(0, 0));
        Assert.DoesNotContain(3, batch.Indices);
        Assert.DoesNotContain(4, batch.Indices);
        Assert.Equal(3, batch.Indices.Count(i => i == 5));
        // The substitutes are augmented independently of item 5's own row.
        int[] rows = [.. Enumerable.Range(0, 16).Where(r => batch.Indices[r] == 5)];
        const int len = 3 * 32 * 32;
        Assert.NotEqual(batch.Views[0][(rows[0] * len)..((rows[0] + 1) * len)],
            batch.Views[0][(rows[1] * len)..((rows[1] + 1) * len)]);
        Assert.Equal(batch.Indices.Select(i => i % 10), batch.Labels);
    }

    [Fact]
    public void Benchmark_reports_consistent_counts()
    {
        var result = DataLoaderBenchmark.Run(new SyntheticSource(43), Views, Small, 3);
        Assert.Equal(3, result.Batches);
        Assert.Equal(24, result.Images);
        Assert.Equal(24 * 5, result.Views);
        Assert.True(result.Seconds > 0);
        Assert.Equal(result.Images / result.Seconds, result.ImagesPerSecond, 6);
        Assert.InRange(result.WaitFraction, 0, 1);

        var seen = new List<int>();
        var withStep = DataLoaderBenchmark.Run(new SyntheticSource(43), Views, Small, 2, b => seen.Add(b.Step));
        Assert.Equal([0, 1], seen);
        Assert.Equal(2, withStep.Batches);
    }
}
