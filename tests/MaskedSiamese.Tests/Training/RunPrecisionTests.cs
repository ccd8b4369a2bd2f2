using MaskedSiamese.Data;
using MaskedSiamese.Diagnostics;
using MaskedSiamese.Engine;
using MaskedSiamese.Tests.Engine;
using MaskedSiamese.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.Training;

/// <summary><c>meta.precision: auto</c> is decided once, from the hardware: the rule per instruction set, the precision
/// a checkpoint records kept on resume, rank 0's choice for every process.</summary>
public sealed class RunPrecisionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-precision-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Theory]
    [InlineData(false, false, Precision.Fp32)]
    [InlineData(true, false, Precision.Bf16)]
    [InlineData(false, true, Precision.Bf16)]
    [InlineData(true, true, Precision.Bf16)]
    public void The_rule_follows_the_cpus_bf16_instructions(bool avx512Bf16, bool amxBf16, Precision expected)
    {
        var cpu = new CpuFeatures(avx512Bf16, amxBf16);
        var choice = PrecisionRule.Auto(cpu, CPU);
        Assert.Equal(expected, choice.Precision);
        Assert.True(choice.IsAuto);
        Assert.StartsWith($"{expected.ConfigName()} (auto: CPU {cpu}", choice.Reason, StringComparison.Ordinal);
        Assert.Equal(Precision.Bf16, PrecisionRule.Auto(cpu, new Device(DeviceType.CUDA, 0)).Precision);
    }

    private static MultiViewLoader Loader() => PrecisionCheckpointTests.Loader();

    private static PrecisionChoice Auto(Precision p) => new(p, $"{p.ConfigName()} (auto: test)") { IsAuto = true };

    [Fact]
    public void A_resumed_auto_run_keeps_the_precision_its_checkpoint_records()
    {
        string run = Path.Combine(_dir, "run");
        using (var loader = Loader())
            PrecisionCheckpointTests.Tiny(Precision.Fp32, maxSteps: 1).Run(loader, run);
        string latest = Path.Combine(run, "checkpoints", "tiny-latest.safetensors");
        Assert.Equal(Precision.Fp32, RunPrecision.Recorded(latest));

        // This host's rule may now say bf16: the resumed run stays in fp32 and says why.
        var one = SingleProcessCollective.Instance;
        var resumed = RunPrecision.Resolve(Auto(Precision.Bf16), latest, resume: true, one);
        Assert.Equal(Precision.Fp32, resumed.Precision);
        Assert.Equal("fp32 (auto: as recorded in the checkpoint resumed)", resumed.Reason);
        // Started afresh, or with a precision the config names, the record does not count.
        Assert.Equal(Precision.Bf16, RunPrecision.Resolve(Auto(Precision.Bf16), latest, resume: false, one).Precision);
        var named = PrecisionChoice.Fixed(Precision.Bf16, "meta.precision: bf16") with { NamedByConfig = true };
        Assert.Equal(Precision.Bf16, RunPrecision.Resolve(named, latest, resume: true, one).Precision);
    }

    [Fact]
    public void Every_process_takes_rank_zeros_auto_choice()
    {
        var results = InProcessCollective.Run(2, c =>
            RunPrecision.Resolve(Auto(c.Rank == 0 ? Precision.Fp32 : Precision.Bf16), Path.Combine(_dir, "none"),
                resume: false, c));
        Assert.All(results, s => Assert.Equal(Precision.Fp32, s.Precision));
        Assert.Equal("fp32 (auto: test)", results[0].Reason);
        Assert.StartsWith("fp32 (auto: rank 0's choice; this process's rule gave bf16", results[1].Reason,
            StringComparison.Ordinal);
    }
}
