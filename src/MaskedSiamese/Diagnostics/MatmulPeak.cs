using System.Diagnostics;
using MaskedSiamese.Platform;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Diagnostics;

/// <summary>Measures the machine's matmul throughput at the current thread count, the yardstick for a training
/// step's achieved FLOP/s.</summary>
public static class MatmulPeak
{
    /// <summary>The best GFLOP/s over square products of side 512, 1024 and 2048 in <paramref name="dtype"/> on
    /// <paramref name="device"/>.</summary>
    public static double MeasureGflops(Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        double best = 0;
        foreach (int n in new[] { 512, 1024, 2048 })
        {
            int reps = Math.Max(2, (int)(2e10 / (2.0 * n * n * n)));
            best = Math.Max(best, MeasureShapeGflops(n, n, n, dtype, reps, device));
        }
        return best;
    }

    /// <summary>GFLOP/s of <paramref name="reps"/> products [m, k] · [k, n] in <paramref name="dtype"/>, after one
    /// untimed warm-up product.</summary>
    public static double MeasureShapeGflops(long m, long k, long n, ScalarType dtype, int reps, Device? device = null)
    {
        SignalStack.EnsureRoomForMatrixTiles(dtype);
        using var scope = NewDisposeScope();
        var a = torch.randn(m, k, dtype: dtype, device: device);
        var b = torch.randn(k, n, dtype: dtype, device: device);
        a.mm(b).Dispose();   // warm-up
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < reps; i++) a.mm(b).Dispose();
        if (device?.type == DeviceType.CUDA) torch.cuda.synchronize();
        return reps * 2.0 * m * k * n / clock.Elapsed.TotalSeconds / 1e9;
    }
}
