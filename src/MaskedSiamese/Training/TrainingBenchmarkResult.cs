namespace MaskedSiamese.Training;

/// <summary>Steady-state training figures of one configuration on this machine (see
/// <see cref="TrainingBenchmark"/>).</summary>
/// <param name="BatchSize">Images per step.</param>
/// <param name="Steps">Timed steps (after warm-up).</param>
/// <param name="Threads">LibTorch intra-op threads.</param>
/// <param name="MeanStepMilliseconds">Mean step time, data wait excluded.</param>
/// <param name="MedianStepMilliseconds">Median step time.</param>
/// <param name="MeanDataWaitMilliseconds">Mean time a step waited for its batch.</param>
/// <param name="ImagesPerSecond">Batch size over (step + data wait).</param>
/// <param name="FlopsPerImage">Model FLOPs of training one image (<see cref="FlopCount"/>).</param>
/// <param name="AchievedGflops">Model FLOPs per second of the steps.</param>
/// <param name="MatmulPeakGflops">Square matmul throughput in the run's precision, measured in the same run.</param>
/// <param name="PeakRssBytes">Peak resident memory of the process over the training steps (on Linux the peak is
/// restarted before them, so the loader benchmark and the matmul probe do not count).</param>
/// <param name="LoaderImagesPerSecond">What the loader alone produces (images with all their views per second; null
/// when not measured).</param>
/// <param name="PhaseMilliseconds">Mean milliseconds per step of each phase.</param>
public sealed record TrainingBenchmarkResult(int BatchSize, int Steps, int Threads, double MeanStepMilliseconds,
    double MedianStepMilliseconds, double MeanDataWaitMilliseconds, double ImagesPerSecond, double FlopsPerImage,
    double AchievedGflops, double MatmulPeakGflops, long PeakRssBytes, double? LoaderImagesPerSecond,
    IReadOnlyDictionary<string, double> PhaseMilliseconds)
{
    /// <summary>The precision timed (<c>fp32</c>, <c>bf16</c>).</summary>
    public string Precision { get; init; } = "fp32";

    /// <summary>Why that precision (the config key, or the <c>auto</c> probe's figures).</summary>
    public string PrecisionReason { get; init; } = "";

    /// <summary>The CPU's bf16 support (<c>/proc/cpuinfo</c> flags).</summary>
    public string Cpu { get; init; } = "";

    /// <summary>The share of the machine's CPU time stolen by the hypervisor during the training steps (warm-up
    /// included); null where not measurable. Above a few per cent the speed figures are not the build's.</summary>
    public double? StolenCpuFraction { get; init; }

    /// <summary>Achieved FLOP/s as a fraction of the matmul peak.</summary>
    public double FractionOfPeak => MatmulPeakGflops > 0 ? AchievedGflops / MatmulPeakGflops : 0;
}
