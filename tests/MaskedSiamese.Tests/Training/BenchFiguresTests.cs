using MaskedSiamese.Diagnostics;
using MaskedSiamese.Models;
using MaskedSiamese.Training;

namespace MaskedSiamese.Tests.Training;

/// <summary>The figures <c>msn bench train</c> derives: the CPU's bf16 support and the masking sweep's ideal.</summary>
public sealed class BenchFiguresTests
{
    [Theory]
    [InlineData("flags\t\t: fpu avx512f avx512_bf16 avx512_fp16", true, false)]
    [InlineData("flags\t\t: fpu avx512_bf16 amx_bf16 amx_tile", true, true)]
    [InlineData("flags\t\t: fpu avx2 amx_bf16x", false, false)]
    public void Cpu_bf16_and_amx_support_come_from_the_cpuinfo_flags(string flags, bool avx512Bf16, bool amx)
    {
        var features = CpuFeatures.Parse(["processor\t: 0", flags, "flags\t\t: amx_bf16 avx512_bf16"]);
        Assert.Equal(new CpuFeatures(avx512Bf16, amx), features);
        Assert.Equal(new CpuFeatures(false, false), CpuFeatures.Parse(["processor\t: 0"]));
    }

    [Fact]
    public void The_ideal_speedup_scales_only_the_flop_driven_part_of_the_step()
    {
        // 100 ms, 20 of them AdamW, EMA, clipping and data wait: half the FLOPs leaves 20 + 40 ms.
        Assert.Equal(100.0 / 60, FlopCount.IdealSpeedup(100, 20, 2e9, 1e9), 12);
        Assert.Equal(1.0, FlopCount.IdealSpeedup(100, 20, 2e9, 2e9), 12);
        Assert.Equal(2.0, FlopCount.IdealSpeedup(100, 0, 2e9, 1e9), 12);
    }

    [Fact]
    public void Dropping_patches_lowers_the_flop_count_so_the_ideal_speedup_grows_with_the_drop()
    {
        var arch = new EncoderArchitecture(new VitOptions(32, 4, 192, 3, 3), new ProjectionHeadOptions(1024, 256),
            1024);
        double[] flops = [.. new[] { 0.0, 0.3, 0.7 }.Select(p => FlopCount.TrainingPerImage(arch, 32, 16, 2, p))];
        Assert.True(flops[0] > flops[1] && flops[1] > flops[2]);
        Assert.True(FlopCount.IdealSpeedup(100, 10, flops[0], flops[2]) > FlopCount.IdealSpeedup(100, 10, flops[0],
            flops[1]));
    }
}
