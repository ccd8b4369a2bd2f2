namespace MaskedSiamese.Onnx;

/// <summary>How <see cref="InferenceBenchmark"/> measures.</summary>
public sealed record InferenceBenchmarkOptions
{
    /// <summary>Batch sizes to time, each on its own.</summary>
    public IReadOnlyList<int> BatchSizes { get; init; } = [1, 64];

    /// <summary>Rounds per batch size; each round times TorchSharp then ONNX Runtime (A, B, A, B, …), so drifts of a
    /// shared machine's load hit both alike.</summary>
    public int Rounds { get; init; } = 5;

    /// <summary>Seconds each engine runs per round (at least one forward pass).</summary>
    public double SecondsPerRound { get; init; } = 1.0;

    /// <summary>Threads for both engines; 0 keeps TorchSharp's current count and gives ONNX Runtime the same.</summary>
    public int Threads { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first impossible value.</summary>
    public void Validate()
    {
        if (BatchSizes.Count == 0 || BatchSizes.Any(b => b < 1))
            throw new ArgumentException("batch sizes must be ≥ 1", nameof(BatchSizes));
        if (Rounds < 1) throw new ArgumentException("rounds must be ≥ 1", nameof(Rounds));
        if (!(SecondsPerRound > 0))
            throw new ArgumentException("seconds per round must be positive", nameof(SecondsPerRound));
        if (Threads < 0) throw new ArgumentException("threads must be ≥ 0", nameof(Threads));
    }
}
