using MaskedSiamese.Configuration;

namespace MaskedSiamese.Tests.Configuration;

/// <summary>A bad config is refused while loading, before training, with one line that names the key or the
/// file.</summary>
public sealed class ConfigRefusalTests
{
    private static string Refusal(string yaml, params string[] overrides)
    {
        var e = Assert.Throws<ConfigException>(() => MsnConfig.Parse(yaml, "test.yaml", overrides));
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith("config: ", e.Message, StringComparison.Ordinal);
        return e.Message;
    }

    [Fact]
    public void Wrong_type_names_the_key_and_the_value()
    {
        Assert.Equal("config: optimization.epochs must be an integer (got 'ten')",
            Refusal("optimization:\n  epochs: ten\n"));
        Assert.Equal("config: optimization.epochs must be an integer (got '2.5')",
            Refusal("optimization:\n  epochs: 2.5\n"));
        Assert.Equal("config: criterion.use_sinkhorn must be true or false (got 'maybe')",
            Refusal("criterion:\n  use_sinkhorn: maybe\n"));
        Assert.Equal("config: optimization.lr must be a number (got '0.1')", Refusal("optimization:\n  lr: \"0.1\"\n"));
        Assert.Equal("config: data.rand_scale must be a list of two numbers like [0.3, 1.0] (got [0.3])",
            Refusal("data:\n  rand_scale: [0.3]\n"));
        Assert.Equal("config: data.mean must be a list of three numbers (or one for every channel) (got [0.1, 0.2])",
            Refusal("data:\n  mean: [0.1, 0.2]\n"));
        Assert.Equal("config: criterion.num_proto must be an integer (got null)",
            Refusal("criterion:\n  num_proto:\n"));
        Assert.Equal("config: meta.mask_sharing must be 'batch' or 'sample' (got 'all')",
            Refusal("meta:\n  mask_sharing: all\n"));
        Assert.Equal("config: data.patch_drop must be a number (got 'NaN')", Refusal("", "data.patch_drop=NaN"));
    }

    [Fact]
    public void Unknown_key_names_the_key_and_suggests_the_nearest()
    {
        Assert.Equal("config: unknown key 'optimization.lr_max' (did you mean 'lr'?)",
            Refusal("optimization:\n  lr_max: 1\n"));
        Assert.Equal("config: unknown key 'criterion.temprature' (did you mean 'temperature'?)",
            Refusal("criterion:\n  temprature: 0.1\n"));
        Assert.Equal("config: unknown key 'meta.batch_size' (it belongs in 'criterion')",
            Refusal("meta:\n  batch_size: 8\n"));
        Assert.Equal("config: unknown key 'logging.zzz'", Refusal("logging:\n  zzz: 1\n"));
        Assert.Equal("config: unknown key 'optimization.lr_max' (did you mean 'lr'?)",
            Refusal("", "optimization.lr_max=1"));
    }

    [Fact]
    public void Unknown_section_is_refused()
    {
        Assert.Equal("config: unknown section 'optim' (did you mean 'optimization'?)", Refusal("optim:\n  lr: 0.1\n"));
        Assert.Equal("config: unknown section 'model' (expected one of meta, criterion, data, optimization, logging)",
            Refusal("model:\n  depth: 3\n"));
        Assert.Equal("config: section 'meta' must be a mapping of keys (got 'deit_small')",
            Refusal("meta: deit_small\n"));
    }

    public static TheoryData<string, string> Impossible => new()
    {
        { "criterion.temperature=-1", "config: criterion.temperature must be > 0 (got -1)" },
        { "optimization.lr=-0.001", "config: optimization.lr must be > 0 and within float32's range (got -0.001)" },
        { "optimization.epochs=0", "config: optimization.epochs must be ≥ 1 (got 0)" },
        { "optimization.warmup=900", "config: optimization.warmup must be ≤ epochs 800 (got 900)" },
        { "data.patch_drop=1.0", "config: data.patch_drop must be in [0, 1) (got 1)" },
        { "criterion.batch_size=1", "config: criterion.batch_size must be ≥ 2 (BatchNorm needs " +
            "two samples) (got 1)" },
        { "criterion.num_proto=0", "config: criterion.num_proto must be ≥ 1 (got 0)" },
        { "data.rand_scale=[0.5, 0.3]", "config: data.rand_scale must satisfy 0 < min ≤ max ≤ 1 (got [0.5, 0.3])" },
        { "data.focal_scale=[0, 0.3]", "config: data.focal_scale must satisfy 0 < min ≤ max ≤ 1 (got [0, 0.3])" },
        { "data.blur_prob=1.5", "config: data.blur_prob must be in [0, 1] (got 1.5)" },
        { "data.std=[0]", "config: data.std must lie in [0.001, 1000] for every channel (got [0, 0, 0])" },
        { "data.rand_size=100", "config: data.rand_size must be a positive multiple of the patch size 16 (got 100)" },
        { "meta.num_heads=5", "config: meta.num_heads must divide embed_dim 384 (got 5)" },
        { "meta.model_name=deit_enormous", "config: meta.model_name must be 'custom' or one of " },
        { "meta.model_name=custom", "config: meta.image_size must be set when meta.model_name is 'custom'" },
        { "meta.device=gpu", "config: meta.device must be cpu, cuda or cuda:N (got 'gpu')" },
        { "optimization.horizon=0.5", "config: optimization.horizon must be ≥ 1 (got 0.5)" },
        { "optimization.ema=[0.999, 0.99]", "config: optimization.ema must satisfy 0 ≤ start ≤ end ≤ 1 (got " +
            "[0.999, 0.99])" },
        { "optimization.betas=[0.9, 1.0]", "config: optimization.betas must both be in [0, 1) (got [0.9, 1])" },
        { "logging.log_every=0", "config: logging.log_every must be ≥ 1 (got 0)" },
        { "logging.write_tag=a/b", "config: logging.write_tag must be a name of 1-200 characters without path " +
            "separators (got 'a/b')" },
    };

    [Theory]
    [MemberData(nameof(Impossible))]
    public void Impossible_value_is_refused_naming_the_key(string set, string message)
    {
        Assert.StartsWith(message, Refusal("", set), StringComparison.Ordinal);
    }

    [Fact]
    public void Impossible_value_in_code_is_refused_by_validate()
    {
        var config = MsnConfig.Default with { Criterion = MsnConfig.Default.Criterion with { Temperature = 0 } };

        var e = Assert.Throws<ConfigException>(config.Validate);
        Assert.Equal("config: criterion.temperature must be > 0 (got 0)", e.Message);
    }

    [Fact]
    public void Malformed_yaml_names_the_file()
    {
        string path = Path.Combine(Path.GetTempPath(), $"msn-bad-{Guid.NewGuid():N}.yaml");
        try
        {
            foreach (string bad in new[]
            {
                "meta:\n  model_name: deit_small\n   depth: 3\n",       // bad indentation
                "meta:\n  depth: [1, 2\noptimization:\n  lr: 0.1\n",    // unterminated flow sequence
                "meta: {model_name: deit_small\n",                     // unterminated flow mapping
            })
            {
                File.WriteAllText(path, bad);
                var e = Assert.Throws<ConfigException>(() => MsnConfig.Load(path));
                Assert.StartsWith($"config: malformed YAML in '{path}'", e.Message, StringComparison.Ordinal);
                Assert.DoesNotContain('\n', e.Message);
            }

            File.WriteAllText(path, "meta:\n  model_name: deit_small\n   depth: 3\n");
            Assert.StartsWith($"config: malformed YAML in '{path}' at line 3",
                Assert.Throws<ConfigException>(() => MsnConfig.Load(path)).Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Missing_file_and_bad_set_syntax_are_refused()
    {
        var e = Assert.Throws<ConfigException>(() => MsnConfig.Load("/nonexistent/msn.yaml"));
        Assert.StartsWith("config: cannot read '/nonexistent/msn.yaml'", e.Message, StringComparison.Ordinal);
        Assert.Equal("config: --set 'epochs=3' must look like section.key=value", Refusal("", "epochs=3"));
        Assert.StartsWith("config: --set 'data.mean=[0.1,' has a malformed value", Refusal("", "data.mean=[0.1,"),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_key_is_refused()
    {
        Assert.Contains("duplicate", Refusal("optimization:\n  lr: 0.1\n  lr: 0.2\n"),
            StringComparison.OrdinalIgnoreCase);
    }
}
