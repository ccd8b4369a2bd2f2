namespace MaskedSiamese.Loss;

/// <summary>Settings of the MSN objective; the defaults are the official ViT-S/16 config (msn-spec §2,
/// §4.4).</summary>
public sealed record MsnLossOptions
{
    /// <summary>τ of the soft-nearest-neighbour softmax, used for anchors and targets alike (0.1).</summary>
    public double Temperature { get; init; } = 0.1;

    /// <summary>
    /// Sharpening temperature T of the targets (0.25). A per-step value from the sharpen schedule may override it.
    /// </summary>
    public double SharpenTemperature { get; init; } = 0.25;

    /// <summary>Whether the sharpened targets are balanced by Sinkhorn-Knopp (true in the repo config).</summary>
    public bool UseSinkhorn { get; init; } = true;

    /// <summary>Sinkhorn-Knopp iterations (3).</summary>
    public int SinkhornIterations { get; init; } = SinkhornKnopp.DefaultIterations;

    /// <summary>λ, weight of the ME-MAX regulariser (1; the paper's best no-Sinkhorn ViT-S/16 uses 5).</summary>
    public double MeMaxWeight { get; init; } = 1.0;

    /// <summary>
    /// Weight of the mean anchor entropy (0 officially, where it is only logged). At 0 the term is left out of the
    /// graph, so it can neither cost backward time nor inject NaN through p = 0.
    /// </summary>
    public double EntropyWeight { get; init; }

    /// <summary>Label smoothing s of the prototype labels (0: the identity).</summary>
    public double LabelSmoothing { get; init; }
}
