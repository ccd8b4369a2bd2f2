using MaskedSiamese.Engine;
using MaskedSiamese.Loss;
using MaskedSiamese.Masking;
using MaskedSiamese.Models;
using MaskedSiamese.Optimization;
using static TorchSharp.torch;

namespace MaskedSiamese.Training;

/// <summary>Everything the trainer needs besides the data, resolved from the run configuration.</summary>
public sealed record TrainerSettings
{
    /// <summary>Encoder, head and prototype count.</summary>
    public required EncoderArchitecture Architecture { get; init; }

    /// <summary>The objective.</summary>
    public required MsnLossOptions Loss { get; init; }

    /// <summary>Schedule values; <see cref="ScheduleSettings.IterationsPerEpoch"/> is replaced by the loader's.</summary>
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

    /// <summary>LibTorch intra-op threads (0 = LibTorch's default). Set at start and recorded in checkpoints, because
    /// results are bit-for-bit repeatable only at a fixed thread count.</summary>
    public int Threads { get; init; }

    /// <summary>Where the networks run.</summary>
    public Device Device { get; init; } = CPU;

    /// <summary>The arithmetic precision of the step and why (config <c>meta.precision</c>).</summary>
    public PrecisionChoice PrecisionChoice { get; init; } =
        PrecisionChoice.Fixed(Precision.Fp32, "meta.precision: fp32") with { NamedByConfig = true };

    /// <summary>The arithmetic precision of the step.</summary>
    public Precision Precision => PrecisionChoice.Precision;

    /// <summary>Why <see cref="Precision"/> (the key that asked for it, or the rule <c>auto</c> applied).</summary>
    public string PrecisionReason => PrecisionChoice.Reason;

    /// <summary>Names the run's files (the official <c>write_tag</c>): <c>{tag}.csv</c>,
    /// <c>checkpoints/{tag}-latest.safetensors</c>, <c>checkpoints/{tag}-ep{NNN}.safetensors</c>.</summary>
    public string Tag { get; init; } = "msn-experiment-1";

    /// <summary>Write <c>latest</c> every this many steps (0: only at epoch ends and at the end).</summary>
    public int CheckpointEvery { get; init; } = 500;

    /// <summary>Write a log row every this many steps (the first and last steps are always logged).</summary>
    public int LogEvery { get; init; } = 10;

    /// <summary>Epoch checkpoints to keep (older ones are deleted; <c>latest</c> always stays).</summary>
    public int KeepCheckpoints { get; init; } = 2;

    /// <summary>Whether to write TensorBoard events.</summary>
    public bool TensorBoard { get; init; } = true;

    /// <summary>Stop after this many global steps although the schedules span all epochs (null: run to the end).</summary>
    public long? MaxSteps { get; init; }

    /// <summary>The resolved configuration text, stored in checkpoints; several processes must start with the same.
    /// It holds nothing measured or host-dependent.</summary>
    public string ConfigText { get; init; } = "";

    /// <summary>The run folder's config.yaml: <see cref="ConfigText"/>, and a note of the precision in use when
    /// <c>meta.precision</c> does not name it (<c>auto</c>, <c>meta.use_fp16</c>).</summary>
    public string ConfigFileText =>
        PrecisionChoice.NamedByConfig ? ConfigText : ConfigText + $"# precision in use: {PrecisionReason}\n";
}
