using MaskedSiamese.Configuration;
using MaskedSiamese.Data;
using MaskedSiamese.Diagnostics;
using MaskedSiamese.Engine;
using TorchSharp;

namespace MaskedSiamese.Tests.Configuration;

/// <summary>
/// Every key of the schema is honest: set away from its default it acts (the resolved settings change), warns (one
/// warning line naming the key, and nothing changes) or is refused (a one-line <see cref="ConfigException"/> naming the
/// key). A key missing from the tables below fails <see cref="Every_key_of_the_schema_is_classified"/>.
/// </summary>
public sealed class ConfigSchemaHonestyTests
{
    private const string Acts = "acts";
    private const string Warns = "warns";
    private const string Refused = "refused";

    /// <summary>Acts, but not as its official name says: the settings change and one <c>config: note:</c> line names
    /// the key and says what it does here.</summary>
    private const string ActsWithNote = "acts, with a note";

    /// <summary>Acts only on a machine where the loader may run more than one worker: below that, every value is capped
    /// to the single worker.</summary>
    private const string CappedHere = "capped here";

    /// <summary>
    /// Per key: a value to try (YAML text for <c>--set</c>), what it must do, and the overrides it is tried on top of
    /// (the defaults when none). Values are chosen valid with every other key at its default.
    /// </summary>
    private static readonly Dictionary<string, (string Value, string Effect, string[] Base)> Tries = new()
    {
        ["meta.model_name"] = ("deit_tiny", Acts, []),
        ["meta.bottleneck"] = ("2", Warns, []),
        ["meta.copy_data"] = ("true", Warns, []),
        ["meta.drop_path_rate"] = ("0.1", Acts, []),
        ["meta.hidden_dim"] = ("512", Acts, []),
        ["meta.load_checkpoint"] = ("true", Refused, []),
        ["meta.output_dim"] = ("128", Acts, []),
        ["meta.read_checkpoint"] = ("runs/x.safetensors", Refused, []),
        ["meta.use_bn"] = ("false", Refused, []),
        // The official key is read by nothing officially; here it asks for reduced precision, which on a CPU is bf16.
        ["meta.use_fp16"] = ("true", ActsWithNote, []),
        ["meta.use_pred_head"] = ("true", Warns, []),
        ["meta.two_layer"] = ("true", Warns, []),
        ["meta.seed"] = ("1", Acts, []),
        ["meta.threads"] = ("1", Acts, []),
        // Without CUDA the mapping refuses it, naming the key; with CUDA it selects the device.
        ["meta.device"] = ("cuda", torch.cuda.is_available() ? Acts : Refused, []),
        ["meta.image_size"] = ("112", Acts, []),
        ["meta.patch_size"] = ("8", Acts, []),
        ["meta.embed_dim"] = ("192", Acts, []),
        ["meta.depth"] = ("2", Acts, []),
        ["meta.num_heads"] = ("3", Acts, []),
        ["meta.mlp_ratio"] = ("2.0", Acts, []),
        ["meta.mask_sharing"] = ("sample", Acts, []),
        ["meta.precision"] = ("bf16", Acts, []),
        ["criterion.ent_weight"] = ("0.1", Acts, []),
        ["criterion.final_sharpen"] = ("0.3", Acts, []),
        ["criterion.me_max"] = ("false", Acts, []),
        ["criterion.memax_weight"] = ("5.0", Acts, []),
        ["criterion.num_proto"] = ("512", Acts, []),
        ["criterion.start_sharpen"] = ("0.3", Acts, []),
        ["criterion.temperature"] = ("0.2", Acts, []),
        ["criterion.batch_size"] = ("32", Acts, []),
        // As officially, use_ent only matters when the entropy has a weight (with weight 0 the term is 0 either way).
        ["criterion.use_ent"] = ("false", Acts, ["criterion.ent_weight=0.1"]),
        ["criterion.use_sinkhorn"] = ("false", Acts, []),
        ["criterion.freeze_proto"] = ("true", Refused, []),
        ["data.color_jitter_strength"] = ("0.25", Acts, []),
        // pin_mem: false is what happens anyway; asking for true is what warns.
        ["data.pin_mem"] = ("true", Warns, ["data.pin_mem=false"]),
        ["data.num_workers"] = ("1", LoaderOptions.DefaultWorkers > 1 ? Acts : CappedHere, []),
        ["data.image_folder"] = ("other/", Acts, []),
        ["data.label_smoothing"] = ("0.1", Acts, []),
        ["data.patch_drop"] = ("0.3", Acts, []),
        ["data.rand_size"] = ("128", Acts, []),
        ["data.focal_size"] = ("64", Acts, []),
        ["data.rand_views"] = ("2", Refused, []),
        ["data.focal_views"] = ("2", Acts, []),
        ["data.root_path"] = ("/data/", Acts, []),
        ["data.dataset"] = ("fashion-mnist", Acts, []),
        ["data.rand_scale"] = ("[0.5, 1.0]", Acts, []),
        ["data.focal_scale"] = ("[0.1, 0.3]", Acts, []),
        ["data.hflip_prob"] = ("0.0", Acts, []),
        ["data.jitter_prob"] = ("0.5", Acts, []),
        ["data.grayscale_prob"] = ("0.0", Acts, []),
        ["data.blur_prob"] = ("0.0", Acts, []),
        ["data.blur_sigma"] = ("[0.5, 1.0]", Acts, []),
        ["data.mean"] = ("[0.5]", Acts, []),
        ["data.std"] = ("[0.5]", Acts, []),
        ["data.eval_resize"] = ("240", Acts, []),
        ["data.eval_crop"] = ("200", Acts, []),
        ["data.drop_last"] = ("false", Refused, []),
        ["optimization.clip_grad"] = ("1.0", Acts, []),
        ["optimization.epochs"] = ("100", Acts, []),
        ["optimization.final_lr"] = ("0.0", Acts, []),
        ["optimization.final_weight_decay"] = ("0.3", Acts, []),
        ["optimization.lr"] = ("0.002", Acts, []),
        ["optimization.start_lr"] = ("0.0001", Acts, []),
        ["optimization.warmup"] = ("10", Acts, []),
        ["optimization.weight_decay"] = ("0.05", Acts, []),
        ["optimization.horizon"] = ("1.0", Acts, []),
        ["optimization.max_steps"] = ("5", Acts, []),
        ["optimization.ema"] = ("[0.99, 1.0]", Acts, []),
        ["optimization.betas"] = ("[0.8, 0.99]", Acts, []),
        ["optimization.eps"] = ("1.0e-06", Acts, []),
        ["logging.checkpoint_every"] = ("0", Acts, []),
        ["logging.log_every"] = ("1", Acts, []),
        ["logging.tensorboard"] = ("false", Acts, []),
        ["logging.keep_checkpoints"] = ("5", Acts, []),
        // Names the run's log and checkpoint files (TrainingLoopTests checks the names the loop writes).
        ["logging.write_tag"] = ("walk-tag", Acts, []),
    };

    /// <summary>
    /// Keys that act outside the config → settings mapping, with what reads them. Here they are only shown to reach the
    /// resolved config text; the reader itself is tested where it lives.
    /// </summary>
    private static readonly Dictionary<string, (string Value, string ReadBy)> ActsOutsideTheMapping = new()
    {
        ["logging.folder"] = ("runs/walk", "acts (msn pretrain's run folder, unless -o is given)"),
        // Read by the run's k-NN monitor (KnnMonitorTests checks its cadence and that it changes no weight).
        ["logging.monitor_every"] = ("20", "acts (Pretraining.KnnMonitor.ForConfig)"),
        ["logging.monitor_data"] = ("fashion-mnist", "acts (Pretraining.KnnMonitor.ForConfig)"),
    };

    public static TheoryData<string> SchemaKeys => [.. MsnConfig.Keys];

    [Fact]
    public void Every_key_of_the_schema_is_classified()
    {
        var classified = Tries.Keys.Concat(ActsOutsideTheMapping.Keys).ToList();
        Assert.Empty(MsnConfig.Keys.Except(classified));
        Assert.Empty(classified.Except(MsnConfig.Keys));
        Assert.Equal(classified.Count, classified.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(SchemaKeys))]
    public void Key_set_away_from_its_default_acts_warns_or_is_refused(string key)
    {
        if (ActsOutsideTheMapping.TryGetValue(key, out var outside))
        {
            ReachesTheConfigText(key, outside.Value);
            return;
        }

        Assert.True(Tries.TryGetValue(key, out var t), $"{key} is not classified: add it to Tries");
        var before = Parse(t.Base);
        string set = $"{key}={t.Value}";
        switch (t.Effect)
        {
            case Acts:
                var after = Parse([.. t.Base, set]);
                Assert.NotEqual(MappedSettings.Of(before), MappedSettings.Of(after));
                Assert.DoesNotContain(after.Warnings(), w => w.Contains(key, StringComparison.Ordinal));
                break;
            case Warns:
                IsWarnedAndIgnored(key, before, Parse([.. t.Base, set]));
                break;
            case ActsWithNote:
                var noted = Parse([.. t.Base, set]);
                Assert.NotEqual(MappedSettings.Of(before), MappedSettings.Of(noted));
                Assert.Single(noted.Warnings(), w => w.StartsWith("config: note: " + key, StringComparison.Ordinal));
                break;
            case Refused:
                // Refused while loading, or at the latest when the settings are resolved (a device that is missing).
                var e = Assert.Throws<ConfigException>(() => MappedSettings.Of(Parse([.. t.Base, set])));
                Assert.StartsWith("config: ", e.Message, StringComparison.Ordinal);
                Assert.Contains(key, e.Message, StringComparison.Ordinal);
                Assert.DoesNotContain('\n', e.Message);
                break;
            case CappedHere:
                Assert.Equal(1, Parse([.. t.Base, set]).ToLoaderOptions().Workers);
                Assert.Equal(1, before.ToLoaderOptions().Workers);
                break;
            default:
                Assert.Fail($"{key}: unknown effect '{t.Effect}'");
                break;
        }
    }

    [Fact]
    public void Use_ent_changes_nothing_while_the_entropy_weight_is_zero()
    {
        // The official semantics: use_ent false zeroes a term whose default weight is already 0.
        Assert.Equal(MappedSettings.Of(Parse([])), MappedSettings.Of(Parse(["criterion.use_ent=false"])));
        Assert.Equal(0.0,
            Parse(["criterion.use_ent=false", "criterion.ent_weight=0.1"]).ToRecipe(1).Loss.EntropyWeight);
        Assert.Equal(0.1, Parse(["criterion.ent_weight=0.1"]).ToRecipe(1).Loss.EntropyWeight);
        // ... so asking for it there says so, rather than nothing.
        Assert.Contains(Parse(["criterion.use_ent=false"]).Warnings(),
            w => w.Contains("criterion.use_ent", StringComparison.Ordinal));
        Assert.DoesNotContain(Parse(["criterion.use_ent=false", "criterion.ent_weight=0.1"]).Warnings(),
            w => w.Contains("criterion.use_ent", StringComparison.Ordinal));
    }

    [Fact]
    public void Precision_maps_to_the_engine_with_its_reason_and_unknown_values_are_refused_naming_the_value()
    {
        var fp32 = Parse(["meta.precision=FP32"]).ToPrecisionChoice();
        Assert.Equal(MaskedSiamese.Engine.Precision.Fp32, fp32.Precision);
        Assert.Equal("fp32 (meta.precision: fp32)", fp32.Reason);
        Assert.Equal(MaskedSiamese.Engine.Precision.Bf16, Parse(["meta.precision=bf16"]).ToPrecisionChoice().Precision);
        Assert.Equal("config: meta.precision: 'fp16' is not available (only fp32, bf16 or auto)",
            Assert.Throws<ConfigException>(() => Parse(["meta.precision=fp16"])).Message);
    }

    [Fact]
    public void Use_fp16_means_bf16_says_so_in_the_run_config_and_yields_to_an_explicit_precision()
    {
        var config = Parse(["meta.use_fp16=true"]);
        var choice = config.ToPrecisionChoice();
        Assert.Equal(MaskedSiamese.Engine.Precision.Bf16, choice.Precision);
        Assert.Equal("bf16 (meta.use_fp16: true, which means bf16 here)", choice.Reason);
        Assert.EndsWith("# precision in use: bf16 (meta.use_fp16: true, which means bf16 here)\n",
            ConfigFile(config), StringComparison.Ordinal);
        // What ranks compare holds no such note.
        Assert.DoesNotContain("precision in use", config.ToRecipe(1).ConfigText, StringComparison.Ordinal);
        // The schema default writes no such line: an fp32 run's config.yaml is what it was.
        Assert.DoesNotContain("precision in use", ConfigFile(Parse([])), StringComparison.Ordinal);
        // With the default fp32 no config names its precision; an explicit other precision wins, and says so.
        var mixed = Parse(["meta.use_fp16=true", "meta.precision=auto"]);
        Assert.Contains(mixed.Warnings(),
            w => w == "config: note: meta.use_fp16: true is overridden by meta.precision: auto");
    }

    [Fact]
    public void Auto_applies_the_rule_for_this_cpu_and_says_which_precision_and_why()
    {
        var config = Parse(["meta.precision=auto"]);
        var choice = config.ToPrecisionChoice();
        var rule = PrecisionRule.Auto(CpuFeatures.Current(), TorchSharp.torch.CPU);
        Assert.True(choice.IsAuto);
        Assert.Equal(rule.Precision, choice.Precision);
        Assert.Equal(rule.Reason, choice.Reason);
        Assert.Equal(choice.Reason, config.ToPrecisionChoice().Reason);   // nothing measured: the same every time
        Assert.EndsWith($"# precision in use: {rule.Reason}\n", ConfigFile(config), StringComparison.Ordinal);
        Assert.DoesNotContain("precision in use", config.ToRecipe(1).ConfigText, StringComparison.Ordinal);
    }

    [Fact]
    public void The_probe_measures_the_models_shapes_and_favours_bf16_only_from_its_threshold()
    {
        var config = Parse(["meta.precision=auto", "meta.model_name=custom", "meta.image_size=32", "meta.patch_size=8",
            "meta.embed_dim=32", "meta.depth=1", "meta.num_heads=2", "meta.mlp_ratio=4", "data.rand_size=32",
            "criterion.batch_size=8"]);
        Assert.Equal([(8L * 17, 32L, 96L), (8L * 17, 32L, 128L), (8L * 17, 128L, 32L)],
            MsnConfigPrecision.ProbeShapes(config));
        var probe = PrecisionProbe.Choose(MsnConfigPrecision.ProbeShapes(config));
        Assert.Contains("bf16 products at this model's shapes 136×32×96", probe.Reason, StringComparison.Ordinal);
        Assert.True(probe.Fp32Gflops > 0 && probe.Bf16Gflops > 0);
        Assert.Equal(probe.Bf16Gflops >= 1.2 * probe.Fp32Gflops,
            probe.Precision == MaskedSiamese.Engine.Precision.Bf16);
    }

    [Fact]
    public void Refusals_also_hold_for_a_config_changed_in_code()
    {
        var config = MsnConfig.Default with { Meta = MsnConfig.Default.Meta with { UseBn = false } };
        var e = Assert.Throws<ConfigException>(config.Validate);
        Assert.StartsWith("config: meta.use_bn: false is not supported", e.Message, StringComparison.Ordinal);
    }

    private static MsnConfig Parse(string[] overrides) => MsnConfig.Parse("", "<schema walk>", overrides);

    private static void IsWarnedAndIgnored(string key, MsnConfig before, MsnConfig after)
    {
        Assert.DoesNotContain(before.Warnings(), w => w.Contains(key, StringComparison.Ordinal));
        string warning = Assert.Single(after.Warnings(), w => w.Contains(key, StringComparison.Ordinal));
        Assert.StartsWith("config: warning: ", warning, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', warning);
        Assert.Equal(MappedSettings.Of(before), MappedSettings.Of(after));
    }

    private static string ConfigFile(MsnConfig config) =>
        MaskedSiamese.Pretraining.PretrainingSetup.ConfigFileText(config.ToRecipe(1).ConfigText,
            config.ToPrecisionChoice());

    private static void ReachesTheConfigText(string key, string value)
    {
        var config = Parse([$"{key}={value}"]);
        string name = key[(key.IndexOf('.', StringComparison.Ordinal) + 1)..];
        Assert.Contains($"\n  {name}: {value}\n", config.ToRecipe(1).ConfigText, StringComparison.Ordinal);
        Assert.DoesNotContain($"\n  {name}: {value}\n", Parse([]).ToRecipe(1).ConfigText, StringComparison.Ordinal);
    }
}
