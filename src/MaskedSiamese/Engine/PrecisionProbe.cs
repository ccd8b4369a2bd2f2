using System.Globalization;
using MaskedSiamese.Diagnostics;
using static TorchSharp.torch;

namespace MaskedSiamese.Engine;

/// <summary>
/// Times the model's own matrix shapes in float32 and in bfloat16, alternating, and says which precision its products
/// favour (bfloat16 from <see cref="RequiredSpeedup"/> times faster): information for <c>msn bench train</c>. It
/// no longer decides <c>meta.precision: auto</c> (<see cref="PrecisionRule"/> does): under load it chose
/// differently from one start to the next.
/// </summary>
public static class PrecisionProbe
{
    /// <summary>bf16 products must beat fp32 by this much: the casts at each product and the float32 parts of the step
    /// (norms, loss, optimizer) do not speed up, so a smaller gain would not pay for them.</summary>
    public const double RequiredSpeedup = 1.2;

    /// <summary>Probes <paramref name="shapes"/> ([m, k] · [k, n] each) at <paramref name="threads"/> threads (0: the
    /// current count, which is restored afterwards) and returns the choice with its figures; about a second.</summary>
    public static PrecisionChoice Choose(IReadOnlyList<(long M, long K, long N)> shapes, int threads = 0,
        Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(shapes);
        if (shapes.Count == 0) throw new ArgumentException("no shapes to probe", nameof(shapes));
        int before = TorchSharp.torch.get_num_threads();
        if (threads > 0) TorchSharp.torch.set_num_threads(threads);
        try
        {
            var (fp32, bf16) = Measure(shapes, device);
            double ratio = bf16 / fp32;
            var chosen = ratio >= RequiredSpeedup ? Precision.Bf16 : Precision.Fp32;
            string shapeText = string.Join(", ", shapes.Select(s => $"{s.M}×{s.K}×{s.N}"));
            string reason = string.Create(CultureInfo.InvariantCulture,
                $"{chosen.ConfigName()} (bf16 products at this model's shapes {shapeText} ran {ratio:F2}× fp32, " +
                $"{bf16:F0} against {fp32:F0} GFLOP/s; bf16 is chosen only from {RequiredSpeedup:F1}×; " +
                $"CPU {CpuFeatures.Current()})");
            return new PrecisionChoice(chosen, reason, fp32, bf16);
        }
        finally
        {
            if (threads > 0) TorchSharp.torch.set_num_threads(before);
        }
    }

    // Rounds alternate the two precisions so that load from other processes falls on both alike; the best round of
    // each counts (a shared machine only ever slows a round down).
    private static (double Fp32, double Bf16) Measure(IReadOnlyList<(long M, long K, long N)> shapes, Device? device)
    {
        double fp32 = 0, bf16 = 0;
        for (int round = 0; round < 3; round++)
        {
            fp32 = Math.Max(fp32, Rate(shapes, ScalarType.Float32, device));
            bf16 = Math.Max(bf16, Rate(shapes, ScalarType.BFloat16, device));
        }
        return (fp32, bf16);
    }

    private static double Rate(IReadOnlyList<(long M, long K, long N)> shapes, ScalarType dtype, Device? device)
    {
        double flops = 0, seconds = 0;
        foreach (var (m, k, n) in shapes)
        {
            const int reps = 3;
            double gflops = MatmulPeak.MeasureShapeGflops(m, k, n, dtype, reps, device);
            double work = reps * 2.0 * m * k * n;
            flops += work;
            seconds += work / (gflops * 1e9);
        }
        return flops / seconds / 1e9;
    }
}
