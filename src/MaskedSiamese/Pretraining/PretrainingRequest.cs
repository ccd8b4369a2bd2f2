namespace MaskedSiamese.Pretraining;

/// <summary>How to run a pretraining configuration: start, continue or start over, from which weights, and whether to
/// evaluate after it. Resuming and starting over exclude each other.</summary>
public sealed record PretrainingRequest
{
    /// <summary>Continue from the run folder's latest checkpoint (refused when there is none).</summary>
    public bool Resume { get; init; }

    /// <summary>Start afresh in a run folder that already holds a run (else such a folder is refused).</summary>
    public bool Overwrite { get; init; }

    /// <summary>Start from these weights: our checkpoint, an official training checkpoint or released weights
    /// (ignored when resuming).</summary>
    public string? InitFrom { get; init; }

    /// <summary>After a completed run, the low-shot and label-selection evaluation of its checkpoint (rank
    /// 0).</summary>
    public bool Evaluate { get; init; } = true;

    /// <summary>Resume although the recipe differs from the one the run records (the result is then another
    /// run's).</summary>
    public bool AllowRecipeChange { get; init; }

    /// <summary>Stop, with the checkpoint of the step reached, at the first sign of collapse
    /// (<see cref="Training.CollapseWatch"/>); without it the run is only warned.</summary>
    public bool StopOnCollapse { get; init; }
}
