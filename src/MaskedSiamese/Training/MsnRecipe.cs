using MaskedSiamese.Loss;
using MaskedSiamese.Masking;
using MaskedSiamese.Models;

namespace MaskedSiamese.Training;

/// <summary>
/// What MSN pretraining trains and how, resolved from the run configuration: networks, objective, schedules, masking
/// and optimizer. Where it runs (device, precision, processes) is the <see cref="Engine.StepContext"/>'s; how the
/// loop logs and checkpoints is the <see cref="Engine.TrainingLoopOptions"/>'.
/// </summary>
public sealed record MsnRecipe
{
    /// <summary>Encoder, head and prototype count.</summary>
    public required EncoderArchitecture Architecture { get; init; }

    /// <summary>The objective.</summary>
    public required MsnLossOptions Loss { get; init; }

    /// <summary>Schedule values; <see cref="ScheduleSettings.IterationsPerEpoch"/> is the loader's batches per
    /// epoch.</summary>
    public required ScheduleSettings Schedule { get; init; }

    /// <summary>Fraction of the anchor view's patches dropped (official ViT-S/16: 0.15).</summary>
    public double PatchDrop { get; init; } = 0.15;

    /// <summary>One mask per batch (official) or per sample.</summary>
    public MaskSharing MaskSharing { get; init; } = MaskSharing.SharedPerBatch;

    /// <summary>Max global gradient norm over the encoder (official 3.0; ≤ 0 disables).</summary>
    public double ClipGrad { get; init; } = 3.0;

    /// <summary>AdamW β1, β2 and ε.</summary>
    public (double Beta1, double Beta2, double Eps) Adam { get; init; } = (0.9, 0.999, 1e-8);

    /// <summary>The run seed: initialisation, masks and augmentations all derive from it.</summary>
    public long Seed { get; init; }

    /// <summary>The resolved configuration text, stored in checkpoints; several processes must start with the same.
    /// It holds nothing measured or host-dependent.</summary>
    public string ConfigText { get; init; } = "";
}
