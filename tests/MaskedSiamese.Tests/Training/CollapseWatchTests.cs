using MaskedSiamese.Diagnostics;
using MaskedSiamese.Training;

namespace MaskedSiamese.Tests.Training;

public sealed class CollapseWatchTests
{
    private static NamedValue[] Step(double np, double meMax) => [new("loss", 1), new("np", np), new("me_max", meMax)];

    private static CollapseSign? Feed(CollapseWatch watch, int steps, double np, double meMax, long first = 1)
    {
        CollapseSign? sign = null;
        for (int i = 0; i < steps; i++) sign ??= watch.Observe(first + i, Step(np, meMax));
        return sign;
    }

    [Fact]
    public void A_healthy_run_and_a_short_dip_raise_nothing()
    {
        var watch = new CollapseWatch(prototypes: 1024, globalBatch: 128);
        Assert.Null(Feed(watch, 500, np: 120, meMax: 0.02));
        Assert.Null(Feed(watch, CollapseWatch.Patience - 1, np: 3, meMax: 0.02, first: 501));
        Assert.Null(Feed(watch, 50, np: 118, meMax: 0.02, first: 520));
    }

    [Fact]
    public void Few_prototypes_in_use_for_the_whole_patience_is_reported_once_with_what_to_try()
    {
        var watch = new CollapseWatch(prototypes: 16, globalBatch: 32);   // a batch reaches at most 16
        var sign = Feed(watch, 100, np: 4, meMax: 0.1, first: 200);
        Assert.NotNull(sign);
        Assert.Equal(200 + CollapseWatch.Patience - 1, sign.Step);
        Assert.Contains("fall on 4 prototypes (np) for 20 steps, of the 16", sign.Message, StringComparison.Ordinal);
        Assert.Contains("criterion.me_max true", sign.Message, StringComparison.Ordinal);
        Assert.Null(Feed(watch, 100, np: 1, meMax: 2.7, first: 300));   // once per run
    }

    [Fact]
    public void A_saturated_me_max_term_is_reported()
    {
        var watch = new CollapseWatch(prototypes: 1024, globalBatch: 128);
        var sign = Feed(watch, 40, np: 100, meMax: 0.6 * Math.Log(1024));
        Assert.NotNull(sign);
        Assert.Contains("the ME-MAX term is 4.16 for 20 steps, 60% of its maximum log K = 6.93", sign.Message,
            StringComparison.Ordinal);
    }
}
