using MaskedSiamese.Optimization;

namespace MaskedSiamese.Configuration;

/// <summary>
/// The <c>optimization</c> section: AdamW, the learning-rate, weight-decay, EMA and sharpening schedules, clipping and
/// the run length. Every schedule is a pure function of the global step over a horizon of
/// <c>horizon · epochs · iterations-per-epoch</c> steps. Defaults are the official ViT-S/16 values (batch 1024 on 16
/// GPUs).
/// </summary>
public sealed record OptimizationOptions
{
    /// <summary><c>clip_grad</c>: global gradient-norm limit over the encoder and head, not the prototypes
    /// (default 3.0); 0 turns clipping off.</summary>
    [YamlKey("clip_grad")]
    public double ClipGrad { get; init; } = 3.0;

    /// <summary><c>epochs</c>: passes over the data, an integer ≥ 1 (default 800 for ViT-S/16; the paper trains ViT-B
    /// for 600, ViT-L/7 for 200). MSN's loss plateaus after the first epoch; that is normal.</summary>
    [YamlKey("epochs")]
    public int Epochs { get; init; } = 800;

    /// <summary><c>final_lr</c>: the nominal learning rate at the end of the cosine decay (default 1.0e-06). With the
    /// official 1.25 horizon the run stops at ~10% of the peak instead.</summary>
    [YamlKey("final_lr")]
    public double FinalLr { get; init; } = 1.0e-06;

    /// <summary><c>final_weight_decay</c>: the nominal weight decay at the end of its cosine ramp (default
    /// 0.4).</summary>
    [YamlKey("final_weight_decay")]
    public double FinalWeightDecay { get; init; } = 0.4;

    /// <summary>
    /// <c>lr</c>: the peak learning rate reached after warmup (default 0.001 for batch 1024). Scale it linearly with
    /// the batch: 1.25e-4 for 128.
    /// </summary>
    [YamlKey("lr")]
    public double Lr { get; init; } = 0.001;

    /// <summary><c>start_lr</c>: the learning rate at step 0, rising linearly to <see cref="Lr"/> (default
    /// 0.0002).</summary>
    [YamlKey("start_lr")]
    public double StartLr { get; init; } = 0.0002;

    /// <summary><c>warmup</c>: warmup length in epochs, may be fractional, ≤ <see cref="Epochs"/> (default 15 of
    /// 800). Keep roughly the official 15/800 fraction on short runs.</summary>
    [YamlKey("warmup")]
    public double Warmup { get; init; } = 15;

    /// <summary><c>weight_decay</c>: the weight decay at step 0, rising by cosine to <see cref="FinalWeightDecay"/>
    /// (default 0.04). Applied to weights only (not biases, norms or the prototypes).</summary>
    [YamlKey("weight_decay")]
    public double WeightDecay { get; init; } = 0.04;

    /// <summary>
    /// <c>horizon</c> (ours): every schedule spans <c>horizon × epochs</c>, so training stops at 1/horizon of each
    /// curve (default 1.25, what the official code does: final lr ≈ 9.9e-5, wd ≈ 0.366, EMA ≈ 0.9992). Set 1.0 to
    /// reach the nominal final values as the paper describes. Must be ≥ 1.
    /// </summary>
    [YamlKey("horizon")]
    public double Horizon { get; init; } = 1.25;

    /// <summary><c>max_steps</c> (ours): stop after this many optimizer steps; null (default) runs every epoch. The
    /// schedules keep their horizon from <see cref="Epochs"/>, so a short run is the start of the full one.</summary>
    [YamlKey("max_steps")]
    public int? MaxSteps { get; init; }

    /// <summary>
    /// <c>ema</c> (ours): the target encoder's EMA momentum at the first step and, nominally, at the end of the
    /// horizon, rising linearly between (default [0.996, 1.0], the values the official code hard-codes). Both in
    /// [0, 1], start ≤ end. A lower start lets the target follow the encoder sooner in short runs.
    /// </summary>
    [YamlKey("ema")]
    public (double Start, double Final) Ema { get; init; } = (0.996, 1.0);

    /// <summary><c>betas</c> (ours): AdamW's β1 and β2, each in [0, 1) (default [0.9, 0.999], PyTorch's).</summary>
    [YamlKey("betas")]
    public (double Beta1, double Beta2) Betas { get; init; } = (0.9, 0.999);

    /// <summary><c>eps</c> (ours): AdamW's ε, &gt; 0 (default 1e-8).</summary>
    [YamlKey("eps")]
    public double Eps { get; init; } = 1e-8;
}
