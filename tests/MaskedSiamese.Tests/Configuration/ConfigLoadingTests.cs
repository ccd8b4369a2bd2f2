using MaskedSiamese.Configuration;
using MaskedSiamese.Masking;
using MaskedSiamese.Models;

namespace MaskedSiamese.Tests.Configuration;

/// <summary>The presets load, <c>--set</c> overrides apply after the file, and writing a config then reading it back
/// gives an equal config.</summary>
public sealed class ConfigLoadingTests
{
    public static TheoryData<string> Presets => new() { "msn_vits16.yaml", "fmnist_msn_small.yaml", "smoke.yaml" };

    [Fact]
    public void Fmnist_small_follows_the_benchmark_protocol()
    {
        var c = MsnConfig.Load(ConfigFiles.PathOf("fmnist_msn_small.yaml"));

        Assert.Equal(new VitOptions(32, 4, 192, 3, 3), c.Meta.ToVitOptions());
        Assert.Equal((2048, 256), (c.Meta.HiddenDim, c.Meta.OutputDim));
        Assert.Equal((1024, 128), (c.Criterion.NumProto, c.Criterion.BatchSize));
        Assert.True(c.Criterion.UseSinkhorn);
        Assert.Equal("fashion-mnist", c.Data.Dataset);
        Assert.Equal((32, 16, 1, 2), (c.Data.RandSize, c.Data.FocalSize, c.Data.RandViews, c.Data.FocalViews));
        Assert.Equal(0.15, c.Data.PatchDrop);
        Assert.Equal((0.0, 0.0), (c.Data.BlurProb, c.Data.GrayscaleProb));
        Assert.Equal(Rgb.All(0.2860), c.Data.Mean);
        Assert.Equal(Rgb.All(0.3530), c.Data.Std);
        Assert.Equal(4, c.Optimization.Epochs);
        Assert.Equal((1.25e-4, 2.5e-5, 1.25e-7, 0.075), (c.Optimization.Lr, c.Optimization.StartLr,
            c.Optimization.FinalLr, c.Optimization.Warmup));
        Assert.Equal(1.25, c.Optimization.Horizon);
        Assert.Equal(MaskSharing.SharedPerBatch, c.Meta.MaskSharing);
    }

    [Fact]
    public void Smoke_is_tiny()
    {
        var c = MsnConfig.Load(ConfigFiles.PathOf("smoke.yaml"));

        Assert.Equal(new VitOptions(16, 4, 32, 1, 2), c.Meta.ToVitOptions());
        Assert.Equal((64, 32, 16, 8), (c.Meta.HiddenDim, c.Meta.OutputDim, c.Criterion.NumProto,
            c.Criterion.BatchSize));
        Assert.Equal((2, 8), (c.Data.FocalViews, c.Data.FocalSize));
        Assert.Equal(1, c.Optimization.Epochs);
    }

    [Theory]
    [MemberData(nameof(Presets))]
    public void Preset_round_trips_through_yaml(string name)
    {
        var config = MsnConfig.Load(ConfigFiles.PathOf(name));

        string yaml = config.ToYaml();
        var back = MsnConfig.Parse(yaml, "written");

        Assert.Equal(config, back);
        Assert.Equal(yaml, back.ToYaml());
    }

    [Fact]
    public void Written_yaml_has_every_key()
    {
        string yaml = MsnConfig.Default.ToYaml();
        var written = ConfigFiles.FlatEntries(yaml).Select(e => e.Key);

        Assert.Equal(MsnConfig.Keys, written);
        Assert.Contains("  final_lr: 1.0e-06\n", yaml, StringComparison.Ordinal);
        Assert.Contains("  read_checkpoint: null\n", yaml, StringComparison.Ordinal);
        Assert.Contains("  rand_scale: [0.3, 1.0]\n", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void Unusual_values_round_trip()
    {
        var config = MsnConfig.Default with
        {
            Meta = MsnConfig.Default.Meta with
            {
                Device = "cuda:1",
                MaskSharing = MaskSharing.PerSample,
                ModelName = "custom",
                ImageSize = 32,
                PatchSize = 4,
                EmbedDim = 64,
                Depth = 2,
                NumHeads = 4,
                MlpRatio = 2.5,
            },
            Data = MsnConfig.Default.Data with
            {
                Dataset = "",
                ImageFolder = "true",
                RootPath = "123",
                RandSize = 32,
                FocalSize = 16,
                Mean = new Rgb(0.1, 1.0 / 3.0, 1e-9),
                FocalScale = (0.05, 0.05),
            },
            Optimization = MsnConfig.Default.Optimization with { MaxSteps = 7, Lr = 1.0 / 7.0, Warmup = 0.075 },
            Logging = MsnConfig.Default.Logging with { Folder = "runs/a b/\"quoted\" #1", WriteTag = "null" },
        };
        config.Validate();

        var back = MsnConfig.Parse(config.ToYaml());

        Assert.Equal(config, back);
    }

    [Fact]
    public void Set_overrides_a_nested_key_after_the_file()
    {
        var c = MsnConfig.Load(ConfigFiles.PathOf("msn_vits16.yaml"),
            ["criterion.temperature=0.2", "optimization.epochs=20", "logging.folder=runs/x"]);

        Assert.Equal(0.2, c.Criterion.Temperature);
        Assert.Equal(20, c.Optimization.Epochs);
        Assert.Equal("runs/x", c.Logging.Folder);
        Assert.Equal(MsnConfig.Default.Criterion with { Temperature = 0.2 }, c.Criterion);
    }

    [Fact]
    public void Set_overrides_a_list_and_a_key_the_file_lacks()
    {
        var c = MsnConfig.Load(ConfigFiles.PathOf("fmnist_msn_small.yaml"),
            ["data.rand_scale=[0.5, 0.9]", "data.std=[0.2, 0.3, 0.4]", "optimization.max_steps=3",
                "meta.mask_sharing=sample"]);

        Assert.Equal((0.5, 0.9), c.Data.RandScale);
        Assert.Equal(new Rgb(0.2, 0.3, 0.4), c.Data.Std);
        Assert.Equal(3, c.Optimization.MaxSteps);
        Assert.Equal(MaskSharing.PerSample, c.Meta.MaskSharing);
    }

    [Fact]
    public void Later_set_wins_and_null_and_empty_values_work()
    {
        var c = MsnConfig.Parse("optimization:\n  max_steps: 5\n", "text",
            ["optimization.max_steps=null", "data.dataset=fashion-mnist", "data.dataset=", "meta.seed=1",
                "meta.seed=2"]);

        Assert.Null(c.Optimization.MaxSteps);
        Assert.Equal("", c.Data.Dataset);
        Assert.Equal(2, c.Meta.Seed);
    }

    [Fact]
    public void Missing_keys_and_empty_files_take_defaults()
    {
        Assert.Equal(MsnConfig.Default, MsnConfig.Parse(""));
        Assert.Equal(MsnConfig.Default, MsnConfig.Parse("meta:\ncriterion: {}\n"));
        Assert.Equal(MsnConfig.Default with { Logging = MsnConfig.Default.Logging with { LogEvery = 3 } },
            MsnConfig.Parse("logging:\n  log_every: 3\n"));
    }

    [Fact]
    public void Custom_sizes_override_the_preset()
    {
        var c = MsnConfig.Parse("meta:\n  model_name: deit_tiny\n  depth: 4\n  patch_size: 8\n");

        Assert.Equal(VitPresets.Get("deit_tiny") with { Depth = 4, PatchSize = 8 }, c.Meta.ToVitOptions());
    }
}
