using MaskedSiamese.Training;

namespace MaskedSiamese.Tests.Training;

public sealed class SchedulesTests
{
    // The spec's worked example: ViT-S/16, 800 epochs × 1251 iterations, warmup 15 (msn-spec §4.2).
    private static readonly ScheduleSettings VitS = new(800, 1251);

    [Fact]
    public void Official_horizons_are_truncated_products()
    {
        Assert.Equal(18_765, VitS.WarmupSteps);
        Assert.Equal(1_251_000, VitS.HorizonSteps);
        Assert.Equal(1_000_800, VitS.TotalSteps);
    }

    [Fact]
    public void The_run_ends_at_80_percent_of_each_curve()
    {
        long last = VitS.TotalSteps - 1;
        Assert.InRange(Schedules.LearningRate(last, VitS), 9.8e-5, 1.0e-4);
        Assert.InRange(Schedules.WeightDecay(last, VitS), 0.365, 0.367);
        Assert.InRange(Schedules.Momentum(last, VitS), 0.99919, 0.99921);
    }

    [Fact]
    public void Horizon_multiplier_one_reaches_the_nominal_end_values()
    {
        var s = new ScheduleSettings(4, 5) { WarmupEpochs = 1, HorizonMultiplier = 1.0 };
        Assert.Equal(20, s.HorizonSteps);
        Assert.Equal(1e-6, Schedules.LearningRate(19, s), 15);
        Assert.Equal(0.4, Schedules.WeightDecay(19, s), 15);
        Assert.Equal(1.0, Schedules.Momentum(20, s), 15);
    }

    [Fact]
    public void Step_i_uses_lr_and_wd_index_i_plus_1_and_momentum_index_i()
    {
        var s = new ScheduleSettings(4, 5) { WarmupEpochs = 1 };
        // W = 5: index 1 of the warmup is 1/5 of the way, so step 0 is already past start_lr.
        Assert.Equal(2e-4 + 0.2 * 8e-4, Schedules.LearningRate(0, s), 15);
        Assert.Equal(1e-3, Schedules.LearningRate(4, s), 15);
        Assert.Equal(0.996, Schedules.Momentum(0, s));
        Assert.True(Schedules.WeightDecay(0, s) > 0.04);
    }

    [Fact]
    public void Fractional_warmup_epochs_truncate_to_whole_steps()
    {
        var s = new ScheduleSettings(10, 100) { WarmupEpochs = 0.075 };
        Assert.Equal(7, s.WarmupSteps);
        Assert.Equal(2e-4 + 6.0 / 7 * 8e-4, Schedules.LearningRate(5, s), 15);
        Assert.Equal(1e-3, Schedules.LearningRate(6, s), 15);
    }

    [Fact]
    public void Weight_decay_is_clamped_at_final_both_ways()
    {
        var rising = new ScheduleSettings(4, 5) { WarmupEpochs = 1, HorizonMultiplier = 1.0 };
        var falling = rising with { WeightDecay = 0.4, FinalWeightDecay = 0.04 };
        for (int i = 0; i < 40; i++)
        {
            Assert.True(Schedules.WeightDecay(i, rising) <= 0.4);
            Assert.True(Schedules.WeightDecay(i, falling) >= 0.04);
        }
    }

    [Fact]
    public void Sharpen_temperature_is_linear_and_constant_by_default()
    {
        var s = new ScheduleSettings(4, 5);
        Assert.Equal(0.25, Schedules.SharpenTemperature(0, s));
        Assert.Equal(0.25, Schedules.SharpenTemperature(20, s));
        var ramp = s with { StartSharpen = 0.5, FinalSharpen = 0.25 };
        Assert.Equal(0.5, Schedules.SharpenTemperature(0, ramp));
        Assert.Equal(0.25, Schedules.SharpenTemperature(25, ramp), 15);
        Assert.Equal(0.4, Schedules.SharpenTemperature(10, ramp), 15);
        Assert.Throws<ArgumentOutOfRangeException>(() => Schedules.SharpenTemperature(26, ramp));
    }

    [Fact]
    public void Invalid_run_lengths_and_horizons_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ScheduleSettings(0, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ScheduleSettings(4, -1));
        var empty = new ScheduleSettings(1, 1) { HorizonMultiplier = 0.5 };
        Assert.Throws<ArgumentException>(() => Schedules.WeightDecay(0, empty));
        Assert.Throws<ArgumentOutOfRangeException>(() => Schedules.LearningRate(-1, empty));
    }
}
