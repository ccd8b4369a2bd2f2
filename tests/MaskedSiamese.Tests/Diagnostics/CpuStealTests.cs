using MaskedSiamese.Diagnostics;
using MaskedSiamese.Tests.Support;

namespace MaskedSiamese.Tests.Diagnostics;

public sealed class CpuStealTests
{
    [Fact]
    public void The_aggregate_cpu_line_gives_steal_and_the_total_of_the_first_eight_fields()
    {
        var sample = CpuSteal.Parse("cpu  100 5 20 800 10 0 5 60 7 0");
        Assert.Equal(new CpuSteal.Sample(60, 1000), sample);
        Assert.Null(CpuSteal.Parse("cpu0 100 5 20 800 10 0 5 60 7 0"));   // one CPU's line, not the machine's
        Assert.Null(CpuSteal.Parse("cpu  100 5 20"));
        Assert.Null(CpuSteal.Parse("cpu  100 5 20 800 10 0 5 -60 0 0"));
    }

    [Fact]
    public void The_stolen_fraction_is_the_share_of_the_time_between_two_samples()
    {
        Assert.Equal(0.25, CpuSteal.StolenFraction(new(60, 1000), new(110, 1200))!.Value, 12);
        Assert.Null(CpuSteal.StolenFraction(new(60, 1000), new(60, 1000)));
        Assert.Null(CpuSteal.StolenFraction(null, new(60, 1000)));
    }

    [LinuxFact]
    public void This_machine_reports_its_counters_on_linux()
    {
        var before = CpuSteal.Read();
        Assert.NotNull(before);
        Assert.InRange(before.Value.StolenTicks, 0, before.Value.TotalTicks);
    }
}
