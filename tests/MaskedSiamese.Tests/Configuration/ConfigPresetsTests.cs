using MaskedSiamese.Configuration;

namespace MaskedSiamese.Tests.Configuration;

public sealed class ConfigPresetsTests
{
    [Fact]
    public void Every_recipe_of_the_configs_folder_is_built_in_and_valid()
    {
        var files = Directory.GetFiles(Path.Combine(Support.OfficialFixtures.RepositoryRoot, "configs"), "*.yaml")
            .Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal);
        Assert.Equal(files, ConfigPresets.Names);
        foreach (var name in ConfigPresets.Names)
        {
            var config = ConfigPresets.Load(name);
            config.Validate();
            var settings = config.ToRecipe(iterationsPerEpoch: 1);

            // The settings are this recipe's: its own sizes and schedule, and a config text that reads back to it.
            Assert.Equal(config.Meta.ToVitOptions(), settings.Architecture.Vit);
            Assert.Equal(config.Criterion.NumProto, settings.Architecture.NumPrototypes);
            Assert.Equal((config.Optimization.Epochs, config.Optimization.Lr),
                (settings.Schedule.Epochs, settings.Schedule.ReferenceLearningRate));
            Assert.Equal(config, MsnConfig.Parse(settings.ConfigText));
        }
    }

    [Fact]
    public void Built_in_recipes_load_without_warnings_except_the_official_pin_mem()
    {
        foreach (var name in ConfigPresets.Names)
        {
            var warnings = ConfigPresets.Load(name).Warnings();
            if (name == "msn_vits16")
            {
                // The official file asks for pinned memory, which a CPU run cannot use: one line, and it still loads.
                Assert.Equal(["config: warning: data.pin_mem: true does nothing on a CPU device (no host-to-device " +
                    "copies); ignored"],
                    warnings);
            }
            else
            {
                Assert.Empty(warnings);
            }
        }
    }

    [Fact]
    public void The_default_main_job_trains_on_fashion_mnist_within_its_budget()
    {
        var config = ConfigPresets.Load(null);
        Assert.Equal(MaskedSiamese.Data.DatasetLocation.FashionMnistName, config.Data.Dataset);
        Assert.Equal(128, config.Criterion.BatchSize);
        Assert.Equal(192, config.Meta.ToVitOptions().EmbedDim);
        Assert.Equal(8, config.Meta.ToVitOptions().PatchSize);   // 16 tokens at 32 px: the short-budget recipe
        Assert.Equal((32, 16), (config.Data.RandSize, config.Data.FocalSize));
        // 468 steps of ~0.18 s per epoch on an unthrottled 2-core host: 8 epochs in ~11 minutes, ≤ 20 with evaluation.
        Assert.InRange(config.Optimization.Epochs, 1, 8);
    }

    [Fact]
    public void The_ema_key_sets_the_momentum_schedule_and_defaults_to_the_official_values()
    {
        var official = ConfigPresets.Load("msn_vits16").ToRecipe(1).Schedule;
        Assert.Equal((0.996, 1.0), (official.StartMomentum, official.FinalMomentum));
        var set = ConfigPresets.Load("msn_vits16", ["optimization.ema=[0.99, 0.999]"]).ToRecipe(1).Schedule;
        Assert.Equal((0.99, 0.999), (set.StartMomentum, set.FinalMomentum));
    }

    [Fact]
    public void A_file_path_that_does_not_exist_and_an_unknown_name_are_refused()
    {
        Assert.Contains("not found", Assert.Throws<ConfigException>(() => ConfigPresets.Load("nope/x.yaml")).Message);
        Assert.Contains("no built-in recipe", Assert.Throws<ConfigException>(() => ConfigPresets.Load("nope")).Message);
    }
}
