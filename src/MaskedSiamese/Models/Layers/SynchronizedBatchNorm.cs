using MaskedSiamese.Engine;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MaskedSiamese.Models.Layers;

/// <summary>
/// Training-mode BatchNorm over the union of the processes' batches (PyTorch's <c>SyncBatchNorm</c>, which the
/// official code converts the projection head to with several processes, msn-spec §1.3): the per-channel sums are
/// all-reduced (their gradients too), so every process normalises with the global mean and variance and updates its
/// running statistics identically.
/// </summary>
public static class SynchronizedBatchNorm
{
    /// <summary>Normalises <paramref name="x"/> [N, C] with the statistics of all processes' batches, using and
    /// updating <paramref name="norm"/>'s affine parameters and running statistics.</summary>
    public static Tensor Forward(Tensor x, BatchNorm1d norm, ICollective collective)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(norm);
        ArgumentNullException.ThrowIfNull(collective);
        using var scope = NewDisposeScope();
        long channels = x.shape[1];
        // Sums and the count are accumulated in at least fp32 (a bf16 count is exact only up to 256), and the
        // variance E[x²] − E[x]² is clamped at 0, which rounding can cross when the mean is large against the
        // spread.
        var wide = x.dtype == ScalarType.Float64 ? x : x.to_type(ScalarType.Float32);
        using var batch = x.shape[0].ToScalar();
        using var zero = 0.ToScalar();
        using var eps = norm.eps.ToScalar();
        var localCount = torch.full([1], batch, dtype: wide.dtype, device: x.device);
        var stats = CollectiveAutograd.Sum(torch.cat([wide.sum(0L), wide.square().sum(0L), localCount]), collective);
        var count = stats[^1];
        var mean = stats[..(int)channels].div(count);
        var variance = stats[(int)channels..(int)(2 * channels)].div(count).sub(mean.square()).clamp_min(zero);
        UpdateRunningStatistics(norm, mean, variance, count);
        var normalised = wide.sub(mean).mul(variance.add(eps, KeptScalars.One).rsqrt()).to_type(x.dtype);
        return normalised.mul(norm.weight!).add(norm.bias!, KeptScalars.One).MoveToOuterDisposeScope();
    }

    private static void UpdateRunningStatistics(BatchNorm1d norm, Tensor mean, Tensor variance, Tensor count)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();   // in-place operations return new wrappers of the tensor
        double m = norm.momentum ?? 0.1;
        double n = count.to_type(ScalarType.Float64).item<double>();
        using var momentum = m.ToScalar();
        using var keep = (1 - m).ToScalar();
        using var bessel = (n / Math.Max(1, n - 1)).ToScalar();
        using var one = 1.ToScalar();
        using var unbiased = variance.detach().mul(bessel);
        norm.running_mean!.mul_(keep).add_(mean.detach(), momentum);
        norm.running_var!.mul_(keep).add_(unbiased, momentum);
        norm.num_batches_tracked!.add_(one, KeptScalars.One);
    }
}
