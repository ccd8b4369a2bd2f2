using MaskedSiamese.Configuration;
using MaskedSiamese.Models;

namespace MaskedSiamese.Tests.Configuration;

/// <summary><c>configs/msn_vits16.yaml</c> carries every field of the official ViT-S/16 config with its official value
/// (reference: msn-spec.md §4.4, the vits16 column), and <see cref="MsnConfig.Default"/> equals it.</summary>
public sealed class OfficialConfigTests
{
    private static readonly MsnConfig Vits16 = MsnConfig.Load(ConfigFiles.PathOf("msn_vits16.yaml"));

    private static readonly Dictionary<string, Func<MsnConfig, object?>> Field = new()
    {
        ["criterion.ent_weight"] = c => c.Criterion.EntWeight,
        ["criterion.final_sharpen"] = c => c.Criterion.FinalSharpen,
        ["criterion.me_max"] = c => c.Criterion.MeMax,
        ["criterion.memax_weight"] = c => c.Criterion.MemaxWeight,
        ["criterion.num_proto"] = c => c.Criterion.NumProto,
        ["criterion.start_sharpen"] = c => c.Criterion.StartSharpen,
        ["criterion.temperature"] = c => c.Criterion.Temperature,
        ["criterion.batch_size"] = c => c.Criterion.BatchSize,
        ["criterion.use_ent"] = c => c.Criterion.UseEnt,
        ["criterion.use_sinkhorn"] = c => c.Criterion.UseSinkhorn,
        ["data.color_jitter_strength"] = c => c.Data.ColorJitterStrength,
        ["data.pin_mem"] = c => c.Data.PinMem,
        ["data.num_workers"] = c => c.Data.NumWorkers,
        ["data.image_folder"] = c => c.Data.ImageFolder,
        ["data.label_smoothing"] = c => c.Data.LabelSmoothing,
        ["data.patch_drop"] = c => c.Data.PatchDrop,
        ["data.rand_size"] = c => c.Data.RandSize,
        ["data.focal_size"] = c => c.Data.FocalSize,
        ["data.rand_views"] = c => c.Data.RandViews,
        ["data.focal_views"] = c => c.Data.FocalViews,
        ["data.root_path"] = c => c.Data.RootPath,
        ["logging.folder"] = c => c.Logging.Folder,
        ["logging.write_tag"] = c => c.Logging.WriteTag,
        ["meta.bottleneck"] = c => c.Meta.Bottleneck,
        ["meta.copy_data"] = c => c.Meta.CopyData,
        ["meta.drop_path_rate"] = c => c.Meta.DropPathRate,
        ["meta.hidden_dim"] = c => c.Meta.HiddenDim,
        ["meta.load_checkpoint"] = c => c.Meta.LoadCheckpoint,
        ["meta.model_name"] = c => c.Meta.ModelName,
        ["meta.output_dim"] = c => c.Meta.OutputDim,
        ["meta.read_checkpoint"] = c => c.Meta.ReadCheckpoint,
        ["meta.use_bn"] = c => c.Meta.UseBn,
        ["meta.use_fp16"] = c => c.Meta.UseFp16,
        ["meta.use_pred_head"] = c => c.Meta.UsePredHead,
        ["optimization.clip_grad"] = c => c.Optimization.ClipGrad,
        ["optimization.epochs"] = c => c.Optimization.Epochs,
        ["optimization.final_lr"] = c => c.Optimization.FinalLr,
        ["optimization.final_weight_decay"] = c => c.Optimization.FinalWeightDecay,
        ["optimization.lr"] = c => c.Optimization.Lr,
        ["optimization.start_lr"] = c => c.Optimization.StartLr,
        ["optimization.warmup"] = c => c.Optimization.Warmup,
        ["optimization.weight_decay"] = c => c.Optimization.WeightDecay,
        ["meta.two_layer"] = c => c.Meta.TwoLayer,
        ["criterion.freeze_proto"] = c => c.Criterion.FreezeProto,
    };

    /// <summary>The vits16 column of msn-spec.md §4.4, plus the two optional keys read with defaults.</summary>
    public static TheoryData<string, object?> OfficialValues => new()
    {
        { "criterion.ent_weight", 0.0 },
        { "criterion.final_sharpen", 0.25 },
        { "criterion.me_max", true },
        { "criterion.memax_weight", 1.0 },
        { "criterion.num_proto", 1024 },
        { "criterion.start_sharpen", 0.25 },
        { "criterion.temperature", 0.1 },
        { "criterion.batch_size", 64 },
        { "criterion.use_ent", true },
        { "criterion.use_sinkhorn", true },
        { "data.color_jitter_strength", 0.5 },
        { "data.pin_mem", true },
        { "data.num_workers", 10 },
        { "data.image_folder", "imagenet_full_size/061417/" },
        { "data.label_smoothing", 0.0 },
        { "data.patch_drop", 0.15 },
        { "data.rand_size", 224 },
        { "data.focal_size", 96 },
        { "data.rand_views", 1 },
        { "data.focal_views", 10 },
        { "data.root_path", "/datasets01/" },
        { "logging.folder", "/checkpoint/msn_os_logs/" },
        { "logging.write_tag", "msn-experiment-1" },
        { "meta.bottleneck", 1 },
        { "meta.copy_data", false },
        { "meta.drop_path_rate", 0.0 },
        { "meta.hidden_dim", 2048 },
        { "meta.load_checkpoint", false },
        { "meta.model_name", "deit_small" },
        { "meta.output_dim", 256 },
        { "meta.read_checkpoint", null },
        { "meta.use_bn", true },
        { "meta.use_fp16", false },
        { "meta.use_pred_head", false },
        { "optimization.clip_grad", 3.0 },
        { "optimization.epochs", 800 },
        { "optimization.final_lr", 1.0e-06 },
        { "optimization.final_weight_decay", 0.4 },
        { "optimization.lr", 0.001 },
        { "optimization.start_lr", 0.0002 },
        { "optimization.warmup", 15.0 },
        { "optimization.weight_decay", 0.04 },
        { "meta.two_layer", false },
        { "criterion.freeze_proto", false },
    };

    [Theory]
    [MemberData(nameof(OfficialValues))]
    public void Vits16_file_has_the_official_value(string key, object? expected)
    {
        Assert.Equal(expected, Field[key](Vits16));
    }

    [Theory]
    [MemberData(nameof(OfficialValues))]
    public void Default_has_the_official_value(string key, object? expected)
    {
        Assert.Equal(expected, Field[key](MsnConfig.Default));
    }

    [Fact]
    public void Vits16_file_sets_exactly_the_official_fields()
    {
        // Given the file's own keys
        var keys = ConfigFiles.FlatEntries(File.ReadAllText(ConfigFiles.PathOf("msn_vits16.yaml"))).Select(e => e.Key)
            .ToList();

        // Then they are the 42 fields of the official file (the two optional keys are not in it)
        var official = OfficialValues.Select(row => (string)row[0])
            .Where(k => k is not "meta.two_layer" and not "criterion.freeze_proto");
        Assert.Equal(official.Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
        Assert.Equal(42, keys.Count);
    }

    [Fact]
    public void Vits16_file_equals_the_default_config()
    {
        Assert.Equal(MsnConfig.Default, Vits16);
    }

    [Fact]
    public void Vits16_builds_the_official_vit_small_patch16()
    {
        var vit = Vits16.Meta.ToVitOptions();
        Assert.Equal(VitPresets.SmallPatch16, vit);
        Assert.Equal(new ProjectionHeadOptions(2048, 256), Vits16.Meta.ToHeadOptions());
    }
}
