using System.Diagnostics;
using MaskedSiamese.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Selection;

/// <summary>One timing of <see cref="LabelSelection"/> on synthetic features.</summary>
/// <param name="Strategy">The strategy timed.</param>
/// <param name="Images">Rows of features.</param>
/// <param name="Dimension">Their width.</param>
/// <param name="Budget">Images chosen.</param>
/// <param name="Seconds">Wall time of the choice (features already in memory).</param>
/// <param name="PeakGrowthBytes">Peak resident memory during the choice above the resident size before it (−1 where
/// the kernel cannot reset the peak).</param>
public sealed record SelectionBenchmarkResult(SelectionStrategy Strategy, int Images, int Dimension, int Budget,
    double Seconds, long PeakGrowthBytes);

/// <summary>Times label selection on synthetic features: a mixture of 64 Gaussian blobs, centred and L2-normalised as
/// <c>msn fit</c> reads features.</summary>
public static class SelectionBenchmark
{
    /// <summary>Chooses <paramref name="budget"/> of <paramref name="images"/> synthetic rows of width
    /// <paramref name="dimension"/> with <paramref name="strategy"/> and measures time and memory.</summary>
    public static SelectionBenchmarkResult Run(int images, int dimension, int budget,
        SelectionStrategy strategy = SelectionStrategy.DensityPeaks, long seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(images, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        using var spread = 3.ToScalar();
        var centres = randn([64, dimension], generator: generator).mul(spread);
        var blob = randint(64, [images], generator: generator);
        var noise = randn([images, dimension], generator: generator);
        var raw = centres.index_select(0, blob).add(noise, KeptScalars.One);
        var features = Evaluation.FeaturePreprocessing.CenterAndNormalize(raw);
        raw.Dispose();
        bool peak = ProcessMemory.ResetPeak();
        long before = ProcessMemory.ResidentBytes();
        var watch = Stopwatch.StartNew();
        var chosen = LabelSelection.Choose(features, budget, new SelectionOptions { Strategy = strategy, Seed = seed });
        double seconds = watch.Elapsed.TotalSeconds;
        long growth = peak ? ProcessMemory.PeakResidentBytes() - before : -1;
        if (chosen.Count != budget) throw new InvalidOperationException($"chose {chosen.Count} of {budget}");
        return new SelectionBenchmarkResult(strategy, images, dimension, budget, seconds, growth);
    }
}
