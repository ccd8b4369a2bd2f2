namespace MaskedSiamese.Data;

/// <summary>Batching, shuffling and threading of <see cref="MultiViewLoader"/>.</summary>
public sealed record LoaderOptions
{
    /// <summary>
    /// One worker per spare core, leaving one core for the training step (so 1 on a 2-core machine), at most 8:
    /// beyond that the trainer's own threads would be starved.
    /// </summary>
    public static int DefaultWorkers => Math.Clamp(Environment.ProcessorCount - 1, 1, 8);

    /// <summary>Images per batch; the last incomplete batch of an epoch is dropped.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>The run seed: with the epoch it fixes the shuffle, with the epoch and item index every
    /// augmentation.</summary>
    public long Seed { get; init; }

    /// <summary>Background threads decoding and augmenting, each building whole batches.</summary>
    public int Workers { get; init; } = DefaultWorkers;

    /// <summary>Batches made ahead of the consumer (ready or in progress), which bounds memory.</summary>
    public int Prefetch { get; init; } = 3;

    /// <summary>This process's index among <see cref="WorldSize"/> processes reading one global batch per
    /// step.</summary>
    public int Rank { get; init; }

    /// <summary>
    /// Processes training together (1: this process reads whole batches). With W processes a global step takes
    /// W·<see cref="BatchSize"/> items of the epoch's permutation, and rank r gets every W-th of them from r on, as
    /// PyTorch's <c>DistributedSampler</c> (rank r reads perm[r::W]).
    /// </summary>
    public int WorldSize { get; init; } = 1;

    /// <summary>Throws unless batch size, workers and prefetch are all positive and the rank is within the
    /// world.</summary>
    /// <exception cref="ArgumentOutOfRangeException">One of them is not.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Workers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Prefetch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(WorldSize);
        ArgumentOutOfRangeException.ThrowIfNegative(Rank);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(Rank, WorldSize);
    }
}
