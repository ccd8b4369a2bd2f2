using System.Diagnostics;
using MaskedSiamese.Selection;
using MaskedSiamese.Tests.Support;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.Lifetimes;

/// <summary>
/// A number handed to LibTorch lives as long as the call that reads it. TorchSharp passes a <c>Scalar</c>'s native
/// handle and does not keep the Scalar alive, so a temporary one (<c>masked_fill(mask, double.PositiveInfinity)</c>)
/// could be finalised by a collection on another thread while LibTorch still read it: density peaks failed with
/// "Expected false to be true ... toFloat" in about one suite run in two under load. The analyzer rule MSN0001
/// (analyzers/) now refuses such temporaries at compile time; this test runs the code that failed with a collector
/// that never rests beside it.
/// </summary>
[Collection(ProcessWideTestGroup.Name)]
public sealed class ScalarLifetimeTests
{
    [Fact]
    public void Density_peaks_give_the_same_answer_while_the_collector_runs_without_pause()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(11);
        var points = randn([2_000, 8], generator: g);
        var quiet = DensityPeaks.Of(points, 20);
        using var stop = new CancellationTokenSource();
        var collector = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        });
        collector.Start();
        try
        {
            // Long enough for tiered compilation to optimise TorchSharp's calls: only optimised code lets the Scalar
            // die before the native call returns (unoptimised code keeps every argument alive to the end).
            for (var clock = Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromSeconds(4);)
            {
                var busy = DensityPeaks.Of(points, 20);
                Assert.Equal(quiet.Density, busy.Density);
                Assert.Equal(quiet.Separation, busy.Separation);
            }
        }
        finally
        {
            stop.Cancel();
            collector.Join();
        }
    }
}
