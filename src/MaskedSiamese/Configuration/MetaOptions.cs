using MaskedSiamese.Masking;
using MaskedSiamese.Models;

namespace MaskedSiamese.Configuration;

/// <summary>
/// The <c>meta</c> section: which encoder to build, the projection head, the official checkpoint-loading keys (refused
/// unless off: <c>msn pretrain --resume</c> and <c>--init-from</c> do that), and (our keys) the seed, threads, device,
/// custom model sizes, how masks are shared and the precision. Defaults are the official ViT-S/16 values
/// (<c>configs/pretrain/msn_vits16.yaml</c>) except for the keys we add.
/// </summary>
public sealed record MetaOptions
{
    /// <summary>
    /// <c>model_name</c>: an official encoder factory (<c>deit_tiny</c>, <c>deit_small</c>, <c>deit_base_p4</c>, ...
    /// see <see cref="VitPresets.Names"/>) or <c>custom</c>, which takes every size from <see cref="ImageSize"/>,
    /// <see cref="PatchSize"/>, <see cref="EmbedDim"/>, <see cref="Depth"/>, <see cref="NumHeads"/> and
    /// <see cref="MlpRatio"/>. Default <c>deit_small</c> (ViT-S/16, 21.7M trunk parameters). On a CPU, start from a
    /// custom ViT-Tiny-like model (D 192, 3 heads, 3–6 blocks, patch 4) so that a 32 px image still gives 64 tokens.
    /// </summary>
    [YamlKey("model_name")]
    public string ModelName { get; init; } = "deit_small";

    /// <summary><c>bottleneck</c>: accepted and ignored by the official code (default 1); kept so official files load.
    /// Any other value loads with a warning (<see cref="MsnConfig.Warnings"/>).</summary>
    [YamlKey("bottleneck")]
    public int Bottleneck { get; init; } = 1;

    /// <summary><c>copy_data</c>: the official code copies the data set to local disk first (default false). Ignored
    /// here: true loads with a warning.</summary>
    [YamlKey("copy_data")]
    public bool CopyData { get; init; }

    /// <summary>
    /// <c>drop_path_rate</c>: stochastic depth of the last block, rising linearly from 0 in the first (default 0.0,
    /// as every official MSN run). In [0, 1); 0.1 is a common value for long fine-tuning, not for MSN pretraining.
    /// </summary>
    [YamlKey("drop_path_rate")]
    public double DropPathRate { get; init; }

    /// <summary>
    /// <c>hidden_dim</c>: width of the projection head's two hidden layers (default 2048). 512–1024 is enough for a
    /// small model on small images and saves most of the head's compute.
    /// </summary>
    [YamlKey("hidden_dim")]
    public int HiddenDim { get; init; } = 2048;

    /// <summary>
    /// <c>load_checkpoint</c>: officially, resume from <see cref="ReadCheckpoint"/> or the run's latest checkpoint
    /// (default false). Only false is accepted: resume with <c>msn pretrain --resume</c>, or start from a checkpoint
    /// with <c>--init-from FILE</c>.
    /// </summary>
    [YamlKey("load_checkpoint")]
    public bool LoadCheckpoint { get; init; }

    /// <summary>
    /// <c>output_dim</c>: width of the head's output, which is also the prototype width (default 256). 128–256 works
    /// for small runs.
    /// </summary>
    [YamlKey("output_dim")]
    public int OutputDim { get; init; } = 256;

    /// <summary><c>read_checkpoint</c>: officially, the checkpoint file to resume from (default null). Only null is
    /// accepted: use <c>msn pretrain --init-from FILE</c> or <c>--resume</c>.</summary>
    [YamlKey("read_checkpoint")]
    public string? ReadCheckpoint { get; init; }

    /// <summary><c>use_bn</c>: BatchNorm after the head's two hidden layers (default true, the official head). Only
    /// true is accepted: the head is always built with BatchNorm.</summary>
    [YamlKey("use_bn")]
    public bool UseBn { get; init; } = true;

    /// <summary><c>use_fp16</c>: never read by the official code, which trains in fp32 (default false). true means
    /// bf16 here (this CPU implementation has bf16, not fp16, products), unless <see cref="Precision"/> names another
    /// precision than fp32; the config then says so in one line (<see cref="MsnConfig.Warnings"/>).</summary>
    [YamlKey("use_fp16")]
    public bool UseFp16 { get; init; }

    /// <summary><c>use_pred_head</c>: accepted and ignored by the official code (default false); true loads with a
    /// warning.</summary>
    [YamlKey("use_pred_head")]
    public bool UsePredHead { get; init; }

    /// <summary><c>two_layer</c>: optional official key, accepted and ignored (default false); true loads with a
    /// warning.</summary>
    [YamlKey("two_layer")]
    public bool TwoLayer { get; init; }

    /// <summary>
    /// <c>seed</c> (ours): seeds weights, prototypes, masks, augmentations and data order (default 0, the official
    /// <c>torch.manual_seed(0)</c>). The same seed, config and thread count give the same run.
    /// </summary>
    [YamlKey("seed")]
    public int Seed { get; init; }

    /// <summary>
    /// <c>threads</c> (ours): intra-op threads for LibTorch; 0 (default) leaves LibTorch's own default. The trainer
    /// sets it at start and records the value it ran with. On a shared 2-core machine use 2.
    /// </summary>
    [YamlKey("threads")]
    public int Threads { get; init; }

    /// <summary><c>device</c> (ours): <c>cpu</c> (default), <c>cuda</c> or <c>cuda:N</c>.</summary>
    [YamlKey("device")]
    public string Device { get; init; } = "cpu";

    /// <summary>
    /// <c>image_size</c> (ours): the resolution the positional embeddings are learned for, in pixels; null (default)
    /// takes it from <see cref="ModelName"/> (224 for every official factory). Smaller views interpolate them
    /// bicubically.
    /// </summary>
    [YamlKey("image_size")]
    public int? ImageSize { get; init; }

    /// <summary><c>patch_size</c> (ours): patch side in pixels; null (default) takes it from <see cref="ModelName"/>.
    /// Keep at least ~64 tokens per view: patch 4 for 32 px images.</summary>
    [YamlKey("patch_size")]
    public int? PatchSize { get; init; }

    /// <summary><c>embed_dim</c> (ours): token width D; null (default) takes it from <see cref="ModelName"/>.</summary>
    [YamlKey("embed_dim")]
    public int? EmbedDim { get; init; }

    /// <summary><c>depth</c> (ours): number of transformer blocks; null (default) takes it from
    /// <see cref="ModelName"/>.</summary>
    [YamlKey("depth")]
    public int? Depth { get; init; }

    /// <summary><c>num_heads</c> (ours): attention heads, which must divide <see cref="EmbedDim"/>; null (default)
    /// takes it from <see cref="ModelName"/>. The official models use 64-wide heads.</summary>
    [YamlKey("num_heads")]
    public int? NumHeads { get; init; }

    /// <summary><c>mlp_ratio</c> (ours): block MLP width as a multiple of D; null (default) takes it from
    /// <see cref="ModelName"/> (4 for every official factory).</summary>
    [YamlKey("mlp_ratio")]
    public double? MlpRatio { get; init; }

    /// <summary>
    /// <c>mask_sharing</c> (ours): <c>batch</c> (default, the official code: one random mask per forward call, shared
    /// by the whole batch) or <c>sample</c> (each image draws its own mask, as lightly and timm do).
    /// </summary>
    [YamlKey("mask_sharing")]
    public MaskSharing MaskSharing { get; init; } = MaskSharing.SharedPerBatch;

    /// <summary>
    /// <c>precision</c> (ours): the arithmetic precision of the run's matrix products: <c>fp32</c> (default, as the
    /// official code), <c>bf16</c> (the encoder's and head's products in bfloat16 over float32 master weights), or
    /// <c>auto</c> (a probe of the model's matrix shapes at start picks bf16 only where it is faster).
    /// </summary>
    [YamlKey("precision")]
    public string Precision { get; init; } = "fp32";

    /// <summary>The value of <see cref="ModelName"/> that takes every size from the custom keys.</summary>
    public const string CustomModelName = "custom";

    /// <summary>
    /// The encoder shape these options describe: the <see cref="ModelName"/> preset with every non-null custom size
    /// laid over it (all of them for <c>custom</c>), and <see cref="DropPathRate"/>.
    /// </summary>
    /// <exception cref="ConfigException">An unknown model name, or <c>custom</c> with a size missing.</exception>
    public VitOptions ToVitOptions()
    {
        VitOptions preset;
        if (string.Equals(ModelName, CustomModelName, StringComparison.Ordinal))
        {
            string? missing = ImageSize is null ? "image_size" : PatchSize is null ? "patch_size"
                : EmbedDim is null ? "embed_dim" : Depth is null ? "depth" : NumHeads is null ? "num_heads"
                : MlpRatio is null ? "mlp_ratio" : null;
            if (missing is not null)
                throw new ConfigException($"config: meta.{missing} must be set when meta.model_name is 'custom'");
            preset = new VitOptions(ImageSize!.Value, PatchSize!.Value, EmbedDim!.Value, Depth!.Value, NumHeads!.Value,
                MlpRatio!.Value);
        }
        else if (VitPresets.Contains(ModelName))
        {
            preset = VitPresets.Get(ModelName);
        }
        else
        {
            throw new ConfigException($"config: meta.model_name must be '{CustomModelName}' or one of "
                + $"{string.Join(", ", VitPresets.Names)} (got '{ModelName}')");
        }

        return preset with
        {
            ImageSize = ImageSize ?? preset.ImageSize,
            PatchSize = PatchSize ?? preset.PatchSize,
            EmbedDim = EmbedDim ?? preset.EmbedDim,
            Depth = Depth ?? preset.Depth,
            NumHeads = NumHeads ?? preset.NumHeads,
            MlpRatio = MlpRatio ?? preset.MlpRatio,
            DropPathRate = DropPathRate,
        };
    }

    /// <summary>The value of <see cref="Precision"/> that probes the machine at start.</summary>
    public const string AutoPrecision = "auto";

    /// <summary>
    /// The precision these options ask for: the engine member whose name matches <see cref="Precision"/> (ignoring
    /// case), bf16 when <see cref="UseFp16"/> is true and the precision is the default fp32, or null for
    /// <c>auto</c> (resolved by a probe at start).
    /// </summary>
    /// <exception cref="ConfigException">A precision the engine does not have.</exception>
    public Engine.Precision? ToPrecision()
    {
        if (string.Equals(Precision, AutoPrecision, StringComparison.OrdinalIgnoreCase)) return null;
        // Matched by name, not Enum.TryParse, which would also take numbers such as "0"; a precision added to the
        // enum becomes available here without a change.
        foreach (var value in Enum.GetValues<Engine.Precision>())
        {
            if (!string.Equals(value.ToString(), Precision, StringComparison.OrdinalIgnoreCase)) continue;
            return UseFp16 && value == Engine.Precision.Fp32 ? Engine.Precision.Bf16 : value;
        }

        string known = string.Join(", ", Enum.GetNames<Engine.Precision>().Select(n => n.ToLowerInvariant()));
        throw new ConfigException(
            $"config: meta.precision: '{Precision}' is not available (only {known} or {AutoPrecision})");
    }

    /// <summary>The projection head these options describe (<see cref="HiddenDim"/>,
    /// <see cref="OutputDim"/>).</summary>
    public ProjectionHeadOptions ToHeadOptions() => new(HiddenDim, OutputDim);
}
