using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Loss;

/// <summary>
/// The official logging values of the targets (<c>losses.py</c> <c>log_dct</c>): how many prototypes are used and how
/// peaked the targets are. Tiling does not change any of them, so they are computed on the un-tiled targets.
/// </summary>
/// <param name="DistinctArgmax"><c>np</c>: number of distinct row argmax values.</param>
/// <param name="MeanRowMax"><c>max_t</c>: row maximum, averaged over rows.</param>
/// <param name="MeanRowMin"><c>min_t</c>: row minimum, averaged over rows.</param>
public sealed record TargetDiagnostics(int DistinctArgmax, double MeanRowMax, double MeanRowMin)
{
    /// <summary>Computes the diagnostics of [B, K] targets (reads them back to the host once).</summary>
    /// <param name="targets">The (sharpened, possibly balanced) targets.</param>
    public static TargetDiagnostics Of(Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var argmax = targets.argmax(1).cpu().data<long>().ToArray();
        // Means in the targets' dtype, like the official tensors, then widened.
        double meanMax = targets.max(1).values.mean().cpu().to_type(ScalarType.Float64).item<double>();
        double meanMin = targets.min(1).values.mean().cpu().to_type(ScalarType.Float64).item<double>();
        return new TargetDiagnostics(argmax.Distinct().Count(), meanMax, meanMin);
    }
}
