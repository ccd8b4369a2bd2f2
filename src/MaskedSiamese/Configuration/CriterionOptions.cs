namespace MaskedSiamese.Configuration;

/// <summary>
/// The <c>criterion</c> section: the MSN loss (prototype softmax temperature, target sharpening, Sinkhorn, ME-MAX,
/// entropy) and the batch size. Defaults are the official ViT-S/16 values.
/// </summary>
public sealed record CriterionOptions
{
    /// <summary>
    /// <c>ent_weight</c>: weight of the mean anchor entropy added to the loss (default 0.0: computed for logging only).
    /// </summary>
    [YamlKey("ent_weight")]
    public double EntWeight { get; init; }

    /// <summary>
    /// <c>final_sharpen</c>: target sharpening temperature T at the end of the schedule's horizon (default 0.25).
    /// Targets are <c>p^(1/T)</c> renormalised, i.e. an effective target temperature of <c>temperature · T</c> =
    /// 0.025.
    /// </summary>
    [YamlKey("final_sharpen")]
    public double FinalSharpen { get; init; } = 0.25;

    /// <summary><c>me_max</c>: add the mean-entropy-maximisation regulariser R = log K − H(p̄) (default true).
    /// Without it (and without Sinkhorn) the prototypes collapse onto a few.</summary>
    [YamlKey("me_max")]
    public bool MeMax { get; init; } = true;

    /// <summary>
    /// <c>memax_weight</c>: λ, the weight of ME-MAX (default 1.0). The paper's best ViT-S/16 (67.2% at 1% labels)
    /// turns Sinkhorn off and uses λ = 5; with Sinkhorn on keep 1.
    /// </summary>
    [YamlKey("memax_weight")]
    public double MemaxWeight { get; init; } = 1.0;

    /// <summary>
    /// <c>num_proto</c>: K, the number of prototypes (default 1024; 1024 and 2048 tie in the paper's Table 12). With a
    /// single-process batch much smaller than K, Sinkhorn over-flattens the targets: use fewer prototypes or Sinkhorn
    /// off.
    /// </summary>
    [YamlKey("num_proto")]
    public int NumProto { get; init; } = 1024;

    /// <summary><c>start_sharpen</c>: sharpening temperature T at step 0 (default 0.25, so T is constant
    /// officially).</summary>
    [YamlKey("start_sharpen")]
    public double StartSharpen { get; init; } = 0.25;

    /// <summary>
    /// <c>temperature</c>: τ of the softmax over cosine similarities to the prototypes, for anchors and (before
    /// sharpening) targets (default 0.1). Must be &gt; 0.
    /// </summary>
    [YamlKey("temperature")]
    public double Temperature { get; init; } = 0.1;

    /// <summary>
    /// <c>batch_size</c>: images per step on this process (default 64, the official per-GPU batch; 16 GPUs made the
    /// paper's 1024). Keep it ≥ ~64 so the head's BatchNorm and ME-MAX statistics stay meaningful; scale
    /// <c>optimization.lr</c> linearly with it.
    /// </summary>
    [YamlKey("batch_size")]
    public int BatchSize { get; init; } = 64;

    /// <summary><c>use_ent</c>: include the anchor entropy term (default true). As officially, false makes the term 0
    /// whatever <see cref="EntWeight"/> is; with the default <see cref="EntWeight"/> of 0 it changes nothing.</summary>
    [YamlKey("use_ent")]
    public bool UseEnt { get; init; } = true;

    /// <summary>
    /// <c>use_sinkhorn</c>: balance the sharpened targets with 3 Sinkhorn-Knopp iterations (default true). The paper
    /// notes that no Sinkhorn with λ = 5 is better; Sinkhorn spares tuning λ.
    /// </summary>
    [YamlKey("use_sinkhorn")]
    public bool UseSinkhorn { get; init; } = true;

    /// <summary><c>freeze_proto</c>: optional official key; true would keep the prototypes at their initial values
    /// (default false: they train from step 0). Only false is accepted.</summary>
    [YamlKey("freeze_proto")]
    public bool FreezeProto { get; init; }
}
