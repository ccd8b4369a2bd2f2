using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Models;

/// <summary>
/// Truncated-normal fill with PyTorch's algorithm (inverse-CDF sampling between the cut points). TorchSharp's own
/// <c>nn.init.trunc_normal_</c> is broken in 0.107 (mean and std swapped, every element equal to std).
/// </summary>
public static class TruncatedNormal
{
    /// <summary>Fills <paramref name="tensor"/> in place with N(mean, std²) truncated to [a, b] (absolute
    /// bounds).</summary>
    public static Tensor Fill(Tensor tensor, double mean = 0, double std = 1, double a = -2, double b = 2,
        Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        double lower = NormalCdf((a - mean) / std), upper = NormalCdf((b - mean) / std);
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();   // in-place operations return new wrappers of the tensor
        tensor.uniform_(2 * lower - 1, 2 * upper - 1, generator: generator);
        tensor.erfinv_();
        using var scale = (std * Math.Sqrt(2.0)).ToScalar();
        using var shift = mean.ToScalar();
        using var low = a.ToScalar();
        using var high = b.ToScalar();
        tensor.mul_(scale);
        tensor.add_(shift, KeptScalars.One);
        tensor.clamp_(low, high);
        return tensor;
    }

    private static double NormalCdf(double x)
    {
        using var v = torch.tensor(x / Math.Sqrt(2.0), ScalarType.Float64);
        using var e = v.erf();
        return (1 + e.item<double>()) / 2;
    }
}
