using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Diagnostics;

/// <summary>Measures the machine's square-matmul throughput at the current thread count, the yardstick for a
/// training step's achieved FLOP/s.</summary>
public static class MatmulPeak
{
    /// <summary>The best GFLOP/s over square fp32 products of side 512, 1024 and 2048 on <paramref name="device"/>.</summary>
    public static double MeasureGflops(Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        double best = 0;
        foreach (int n in new[] { 512, 1024, 2048 })
        {
            using var scope = NewDisposeScope();
            var a = torch.randn(n, n, dtype: dtype, device: device);
            var b = torch.randn(n, n, dtype: dtype, device: device);
            a.mm(b).Dispose();   // warm-up
            int reps = Math.Max(2, (int)(2e10 / (2.0 * n * n * n)));
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < reps; i++) a.mm(b).Dispose();
            if (device?.type == DeviceType.CUDA) torch.cuda.synchronize();
            best = Math.Max(best, reps * 2.0 * n * n * n / clock.Elapsed.TotalSeconds / 1e9);
        }
        return best;
    }
}
