using System.Text.Json;
using MaskedSiamese.Tests.Support;
using MaskedSiamese.Training;

namespace MaskedSiamese.Tests.Training;

/// <summary>The schedules against the values the official schedulers produced, step by step.</summary>
public sealed class SchedulesFixtureTests
{
    private const double Tolerance = 1e-9;

    public static TheoryData<string> ScheduleSets => OfficialFixtures.Sets("_schedules.json");

    [Theory]
    [MemberData(nameof(ScheduleSets))]
    public void Every_step_matches_the_official_lr_wd_and_momentum(string name)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(OfficialFixtures.PathOf(name)));
        var root = json.RootElement;
        var settings = new ScheduleSettings(root.GetProperty("epochs").GetInt32(),
            root.GetProperty("iterations_per_epoch").GetInt32())
        {
            WarmupEpochs = root.GetProperty("warmup_epochs").GetDouble(),
            StartLearningRate = root.GetProperty("start_lr").GetDouble(),
            ReferenceLearningRate = root.GetProperty("ref_lr").GetDouble(),
            FinalLearningRate = root.GetProperty("final_lr").GetDouble(),
            WeightDecay = root.GetProperty("weight_decay").GetDouble(),
            FinalWeightDecay = root.GetProperty("final_weight_decay").GetDouble(),
            StartMomentum = root.GetProperty("start_momentum").GetDouble(),
            FinalMomentum = root.GetProperty("final_momentum").GetDouble(),
        };

        var lr = Values(root, "lr");
        var wd = Values(root, "weight_decay_values");
        var momentum = Values(root, "momentum");
        Assert.Equal(settings.TotalSteps, lr.Length);
        Assert.Equal(lr.Length, wd.Length);
        Assert.Equal(lr.Length, momentum.Length);
        for (int i = 0; i < lr.Length; i++)
        {
            Assert.True(Math.Abs(Schedules.LearningRate(i, settings) - lr[i]) <= Tolerance, $"lr[{i}]");
            Assert.True(Math.Abs(Schedules.WeightDecay(i, settings) - wd[i]) <= Tolerance, $"wd[{i}]");
            Assert.True(Math.Abs(Schedules.Momentum(i, settings) - momentum[i]) <= Tolerance, $"momentum[{i}]");
        }
    }

    private static double[] Values(JsonElement root, string key) =>
        root.GetProperty(key).EnumerateArray().Select(e => e.GetDouble()).ToArray();
}
