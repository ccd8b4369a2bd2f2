namespace MaskedSiamese.Engine;

/// <summary>How <see cref="TrainingLoop"/> runs: where it writes, how often, and when it stops.</summary>
public sealed record TrainingLoopOptions
{
    /// <summary>Run folder for the config, logs and checkpoints; null writes nothing (benchmarks).</summary>
    public string? RunFolder { get; init; }

    /// <summary>Names the run's files: <c>{tag}.csv</c>, <c>{tag}.jsonl</c>,
    /// <c>checkpoints/{tag}-latest.safetensors</c>, <c>checkpoints/{tag}-ep{NNN}.safetensors</c> (the official
    /// <c>write_tag</c>).</summary>
    public string Tag { get; init; } = "msn-experiment-1";

    /// <summary>Continue from the latest checkpoint of <see cref="RunFolder"/> (refused when there is none).</summary>
    public bool Resume { get; init; }

    /// <summary>Start afresh in a run folder that already holds a run, deleting its checkpoints and logs (without it,
    /// such a folder is refused unless resuming).</summary>
    public bool Overwrite { get; init; }

    /// <summary>LibTorch intra-op threads (0: LibTorch's default, or the resumed run's).</summary>
    public int Threads { get; init; }

    /// <summary>Rewrite the latest checkpoint every this many steps (0: only at epoch ends and at the end).</summary>
    public int CheckpointEvery { get; init; } = 500;

    /// <summary>Write a log row every this many steps (the first, last and epoch-end steps are always
    /// logged).</summary>
    public int LogEvery { get; init; } = 10;

    /// <summary>Epoch checkpoints to keep (older ones are deleted; the latest always stays).</summary>
    public int KeepCheckpoints { get; init; } = 2;

    /// <summary>Whether to write TensorBoard events.</summary>
    public bool TensorBoard { get; init; } = true;

    /// <summary>Stop after this many global steps although the schedule spans all epochs (null: run to the
    /// end).</summary>
    public long? MaxSteps { get; init; }

    /// <summary>The resolved configuration text, written to <c>config.yaml</c> in the run folder (null:
    /// none).</summary>
    public string? ConfigText { get; init; }

    /// <summary>Per-phase timing of every step (benchmarks), or null.</summary>
    public StepProfile? Profile { get; init; }
}
