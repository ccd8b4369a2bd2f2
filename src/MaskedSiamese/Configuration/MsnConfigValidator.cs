using System.Globalization;

namespace MaskedSiamese.Configuration;

/// <summary>The value checks behind <see cref="MsnConfig.Validate"/>: the first impossible value is refused with a
/// one-line message that names its key, e.g. <c>config: criterion.temperature must be &gt; 0 (got -1)</c>.</summary>
internal static partial class MsnConfigValidator
{
    public static void Validate(MsnConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        MsnConfigSupport.RefuseUnsupported(config);
        var vit = Meta(config.Meta);
        Criterion(config.Criterion);
        Data(config.Data, vit.PatchSize);
        Optimization(config.Optimization);
        Logging(config.Logging);
    }

    private static Models.VitOptions Meta(MetaOptions m)
    {
        Positive(m.ImageSize, "meta.image_size");
        Positive(m.PatchSize, "meta.patch_size");
        Positive(m.EmbedDim, "meta.embed_dim");
        Positive(m.Depth, "meta.depth");
        Positive(m.NumHeads, "meta.num_heads");
        if (m.MlpRatio is { } ratio) Require(ratio > 0, "meta.mlp_ratio", "must be > 0", ratio);
        var vit = m.ToVitOptions(); // unknown model name, or custom with a size missing
        Require(vit.NumHeads <= vit.EmbedDim && vit.EmbedDim % vit.NumHeads == 0, "meta.num_heads",
            $"must divide embed_dim {vit.EmbedDim}", vit.NumHeads);
        Require(vit.PatchSize <= vit.ImageSize, "meta.patch_size", $"must be ≤ image_size {vit.ImageSize}",
            vit.PatchSize);
        if (m.ImageSize is not null)
            Require(vit.ImageSize % vit.PatchSize == 0, "meta.image_size",
                $"must be a multiple of the patch size {vit.PatchSize}", vit.ImageSize);
        Require(m.DropPathRate is >= 0 and < 1, "meta.drop_path_rate", "must be in [0, 1)", m.DropPathRate);
        Require(m.HiddenDim >= 1, "meta.hidden_dim", "must be ≥ 1", m.HiddenDim);
        Require(m.OutputDim >= 1, "meta.output_dim", "must be ≥ 1", m.OutputDim);
        Require(m.Bottleneck >= 0, "meta.bottleneck", "must be ≥ 0", m.Bottleneck);
        Require(m.Seed >= 0, "meta.seed", "must be ≥ 0", m.Seed);
        Require(m.Threads >= 0, "meta.threads", "must be ≥ 0 (0 = LibTorch's default)", m.Threads);
        Require(Engine.DeviceName.IsWellFormed(m.Device), "meta.device", "must be cpu, cuda or cuda:N",
            $"'{m.Device}'");
        return vit;
    }

    private static void Criterion(CriterionOptions c)
    {
        Require(c.Temperature > 0, "criterion.temperature", "must be > 0", c.Temperature);
        Require(c.StartSharpen > 0, "criterion.start_sharpen", "must be > 0", c.StartSharpen);
        Require(c.FinalSharpen > 0, "criterion.final_sharpen", "must be > 0", c.FinalSharpen);
        Require(c.MemaxWeight >= 0, "criterion.memax_weight", "must be ≥ 0", c.MemaxWeight);
        Require(c.EntWeight >= 0, "criterion.ent_weight", "must be ≥ 0", c.EntWeight);
        Require(c.NumProto >= 1, "criterion.num_proto", "must be ≥ 1", c.NumProto);
        Require(c.BatchSize >= 2, "criterion.batch_size", "must be ≥ 2 (BatchNorm needs two samples)", c.BatchSize);
    }

    private static void Data(DataOptions d, int patchSize)
    {
        Require(d.ColorJitterStrength is >= 0 and <= 1.25, "data.color_jitter_strength", "must be in [0, 1.25]",
            d.ColorJitterStrength);
        Require(d.NumWorkers >= 0, "data.num_workers", "must be ≥ 0", d.NumWorkers);
        Require(d.DropLast, "data.drop_last",
            "must be true (training batches are always full: BatchNorm and ME-MAX need them)", d.DropLast);
        Require(d.LabelSmoothing is >= 0 and <= 1, "data.label_smoothing", "must be in [0, 1]", d.LabelSmoothing);
        Require(d.PatchDrop is >= 0 and < 1, "data.patch_drop", "must be in [0, 1)", d.PatchDrop);
        Require(d.RandSize >= 1 && d.RandSize % patchSize == 0, "data.rand_size",
            $"must be a positive multiple of the patch size {patchSize}", d.RandSize);
        Require(d.FocalSize >= patchSize, "data.focal_size", $"must be ≥ the patch size {patchSize}", d.FocalSize);
        Require(d.FocalViews >= 0, "data.focal_views", "must be ≥ 0", d.FocalViews);
        Scale(d.RandScale, "data.rand_scale");
        Scale(d.FocalScale, "data.focal_scale");
        Probability(d.HflipProb, "data.hflip_prob");
        Probability(d.JitterProb, "data.jitter_prob");
        Probability(d.GrayscaleProb, "data.grayscale_prob");
        Probability(d.BlurProb, "data.blur_prob");
        Require(d.BlurSigma.Min > 0 && d.BlurSigma.Min <= d.BlurSigma.Max, "data.blur_sigma",
            "must satisfy 0 < min ≤ max", Pair(d.BlurSigma));
        // The bounds a classifier file's transform is held to (Classification/ClassifierFile).
        Require(new[] { d.Std.R, d.Std.G, d.Std.B }.All(v => v is >= 1e-3 and <= 1e3), "data.std",
            "must lie in [0.001, 1000] for every channel", d.Std);
        Require(d.EvalCrop >= 1, "data.eval_crop", "must be ≥ 1", d.EvalCrop);
        Require(d.EvalResize >= d.EvalCrop && d.EvalResize <= 4 * d.EvalCrop, "data.eval_resize",
            $"must lie between eval_crop {d.EvalCrop} and 4 × eval_crop", d.EvalResize);
    }

    private static void Optimization(OptimizationOptions o)
    {
        Require(o.Epochs >= 1, "optimization.epochs", "must be ≥ 1", o.Epochs);
        // The weights are float32: a rate or decay beyond float32's range passed `> 0` and then broke the first step.
        Require(o.Lr > 0 && Float32(o.Lr), "optimization.lr", "must be > 0 and within float32's range", o.Lr);
        Require(o.StartLr >= 0 && Float32(o.StartLr), "optimization.start_lr",
            "must be ≥ 0 and within float32's range", o.StartLr);
        Require(o.FinalLr >= 0 && Float32(o.FinalLr), "optimization.final_lr",
            "must be ≥ 0 and within float32's range", o.FinalLr);
        Require(o.WeightDecay >= 0 && Float32(o.WeightDecay), "optimization.weight_decay",
            "must be ≥ 0 and within float32's range", o.WeightDecay);
        Require(o.FinalWeightDecay >= 0 && Float32(o.FinalWeightDecay), "optimization.final_weight_decay",
            "must be ≥ 0 and within float32's range", o.FinalWeightDecay);
        Require(o.ClipGrad >= 0 && Float32(o.ClipGrad), "optimization.clip_grad",
            "must be ≥ 0 (0 = no clipping) and within float32's range", o.ClipGrad);
        Require(o.Warmup >= 0, "optimization.warmup", "must be ≥ 0", o.Warmup);
        Require(o.Warmup <= o.Epochs, "optimization.warmup", $"must be ≤ epochs {o.Epochs}", o.Warmup);
        Require(o.Horizon >= 1, "optimization.horizon", "must be ≥ 1", o.Horizon);
        if (o.MaxSteps is { } steps) Require(steps >= 1, "optimization.max_steps", "must be ≥ 1 or null", steps);
        Require(o.Betas.Beta1 is >= 0 and < 1 && o.Betas.Beta2 is >= 0 and < 1, "optimization.betas",
            "must both be in [0, 1)", Pair(o.Betas));
        Require(o.Ema.Start is >= 0 and <= 1 && o.Ema.Final is >= 0 and <= 1 && o.Ema.Start <= o.Ema.Final,
            "optimization.ema", "must satisfy 0 ≤ start ≤ end ≤ 1", Pair(o.Ema));
        Require(o.Eps > 0, "optimization.eps", "must be > 0", o.Eps);
    }

    private static bool Float32(double value) => double.IsFinite(value) && Math.Abs(value) <= float.MaxValue;

    private static void Logging(LoggingOptions l)
    {
        // It names files (TAG-latest.safetensors, TAG.csv): a file name is at most 255 bytes.
        Require(l.WriteTag.Length is > 0 and <= 200 && l.WriteTag.IndexOfAny(['/', '\\']) < 0, "logging.write_tag",
            "must be a name of 1-200 characters without path separators",
            $"'{(l.WriteTag.Length > 40 ? l.WriteTag[..40] + "…" : l.WriteTag)}'");
        Require(l.CheckpointEvery >= 0, "logging.checkpoint_every", "must be ≥ 0 (0 = at epoch ends only)",
            l.CheckpointEvery);
        Require(l.LogEvery >= 1, "logging.log_every", "must be ≥ 1", l.LogEvery);
        Require(l.KeepCheckpoints >= 0, "logging.keep_checkpoints", "must be ≥ 0", l.KeepCheckpoints);
        Require(l.MonitorEvery >= -1, "logging.monitor_every", "must be ≥ −1 (−1: never, 0: ten times per run)",
            l.MonitorEvery);
    }

    private static void Positive(int? value, string key)
    {
        if (value is { } v) Require(v >= 1, key, "must be ≥ 1 or null", v);
    }

    private static void Scale((double Min, double Max) s, string key) =>
        Require(s.Min > 0 && s.Min <= s.Max && s.Max <= 1, key, "must satisfy 0 < min ≤ max ≤ 1", Pair(s));

    private static void Probability(double p, string key) => Require(p is >= 0 and <= 1, key, "must be in [0, 1]", p);

    private static string Pair((double A, double B) p) =>
        string.Create(CultureInfo.InvariantCulture, $"[{p.A:R}, {p.B:R}]");

    private static void Require(bool ok, string key, string requirement, object value)
    {
        if (!ok)
            throw new ConfigException(
                string.Create(CultureInfo.InvariantCulture, $"config: {key} {requirement} (got {value})"));
    }
}
