using MaskedSiamese.Checkpoints;
using MaskedSiamese.Data;
using MaskedSiamese.Data.Augmentation;
using MaskedSiamese.Engine;
using MaskedSiamese.Loss;
using MaskedSiamese.Models;
using MaskedSiamese.Tests.Data;
using MaskedSiamese.Training;
using TorchSharp;

namespace MaskedSiamese.Tests.Training;

/// <summary>bf16 runs resume bit for bit, write float32 checkpoints, and those checkpoints continue in either
/// precision.</summary>
public sealed class PrecisionCheckpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-bf16-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static readonly AugmentationOptions Views = AugmentationOptions.FashionMnistDefaults with
    {
        Global = AugmentationOptions.FashionMnistDefaults.Global with { Size = 16 },
        Focal = AugmentationOptions.FashionMnistDefaults.Focal with { Size = 8 },
        FocalCount = 1,
    };

    internal static TinyPretraining Tiny(Precision precision, long? maxSteps = null) =>
        new TinyPretraining { Precision = precision }.StoppingAt(maxSteps);

    internal static MultiViewLoader Loader() =>
        new(new SyntheticSource(16, 20, 20), Views,
            new LoaderOptions { BatchSize = 8, Seed = 7, Workers = 1, Prefetch = 2 });

    /// <summary>Two steps in <paramref name="first"/>, then resumed to the end of the 4-step schedule in
    /// <paramref name="then"/>; the latest checkpoint.</summary>
    private string Train(string name, Precision first, Precision then)
    {
        string run = Path.Combine(_dir, name);
        using (var loader = Loader()) Assert.Equal(2, Tiny(first, maxSteps: 2).Run(loader, run).StepsDone);
        using (var loader = Loader()) Assert.True(Tiny(then).Run(loader, run, resume: true).Completed);
        return Path.Combine(run, "checkpoints", "tiny-latest.safetensors");
    }

    private static Dictionary<string, TorchSharp.torch.Tensor> Tensors(MsnCheckpoint ck)
    {
        var all = new Dictionary<string, TorchSharp.torch.Tensor>(StringComparer.Ordinal)
        {
            ["prototypes"] = ck.Prototypes!,
        };
        var parts = new[] { ("encoder", ck.Encoder!), ("target", ck.TargetEncoder!), ("optimizer", ck.Optimizer!) };
        foreach (var (part, dict) in parts)
            foreach (var (k, v) in dict) all[$"{part}.{k}"] = v;
        return all;
    }

    [Fact]
    public void A_bf16_run_stopped_and_resumed_ends_bit_for_bit_where_an_uninterrupted_bf16_run_ends()
    {
        string straight = Path.Combine(_dir, "straight");
        using (var loader = Loader()) Tiny(Precision.Bf16).Run(loader, straight);
        using var a = MsnCheckpoint.Load(Path.Combine(straight, "checkpoints", "tiny-latest.safetensors"));
        using var b = MsnCheckpoint.Load(Train("resumed", Precision.Bf16, Precision.Bf16));
        var (x, y) = (Tensors(a), Tensors(b));
        Assert.Equal(x.Keys.Order(), y.Keys.Order());
        foreach (var (k, v) in x) Assert.True(v.equal(y[k]).all().item<bool>(), $"{k} differs");
    }

    [Theory]
    [InlineData(Precision.Bf16, Precision.Fp32)]
    [InlineData(Precision.Fp32, Precision.Bf16)]
    public void Checkpoints_are_float32_and_continue_in_the_other_precision(Precision first, Precision then)
    {
        using var mixed = MsnCheckpoint.Load(Train($"{first}-{then}", first, then));
        using var pure = MsnCheckpoint.Load(Train($"{first}-only", first, first));
        Assert.Equal(4, mixed.Training!["step"]!.GetValue<double>());
        var (x, y) = (Tensors(mixed), Tensors(pure));
        foreach (var (k, v) in x.Where(kv => kv.Value.is_floating_point()))
            Assert.Equal(TorchSharp.torch.ScalarType.Float32, v.dtype);
        // The last two steps ran in the other precision: the weights moved off the single-precision run's, by
        // rounding only (a few learning rates at most over two AdamW steps).
        double worst = x
            .Where(kv => kv.Key.StartsWith("encoder.", StringComparison.Ordinal) && kv.Value.is_floating_point())
            .Max(kv => (kv.Value - y[kv.Key]).abs().max().item<float>());
        Assert.True(worst > 0, "the resumed steps did not change precision");
        Assert.True(worst <= 4 * 1e-3, $"weights differ by {worst:E2}, more than two AdamW steps can move them");
    }
}
