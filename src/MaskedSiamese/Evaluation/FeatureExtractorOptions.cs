namespace MaskedSiamese.Evaluation;

/// <summary>Settings of <see cref="FeatureExtractor"/>.</summary>
public sealed record FeatureExtractorOptions
{
    /// <summary>Images per encoder forward (default 256).</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Which encoder output is the feature (default: the official last block's [CLS]).</summary>
    public FeatureChoice Choice { get; init; } = FeatureChoice.LastBlock;

    /// <summary>Threads decoding and transforming images while the encoder runs (default: the processor
    /// count).</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;

    /// <summary>Receives (items done, items total) after every batch.</summary>
    public IProgress<(int Done, int Total)>? Progress { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first impossible value.</summary>
    public void Validate()
    {
        if (BatchSize < 1) throw new ArgumentException($"batch size {BatchSize}: must be ≥ 1");
        if (Workers < 1) throw new ArgumentException($"workers {Workers}: must be ≥ 1");
        ArgumentNullException.ThrowIfNull(Choice);
        if (!Choice.FinalNorm && Choice.Blocks < 1)
            throw new ArgumentException($"blocks {Choice.Blocks}: must be ≥ 1");
    }
}
