using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MaskedSiamese.Optimization;

/// <summary>Global-norm gradient clipping with PyTorch's <c>clip_grad_norm_</c> semantics.</summary>
public static class GradientClipping
{
    /// <summary>
    /// Scales the gradients of <paramref name="parameters"/> by min(1, maxNorm / (‖g‖ + 1e-6)), where ‖g‖ is
    /// the 2-norm of all gradients together, and returns ‖g‖ before clipping. <paramref name="maxNorm"/> ≤ 0 only
    /// measures.
    /// </summary>
    public static double ClipByGlobalNorm(IEnumerable<Parameter> parameters, double maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        using var scope = NewDisposeScope();
        var grads = parameters.Select(p => p.grad).Where(g => g is not null).Select(g => g!).ToList();
        if (grads.Count == 0) return 0;
        var norms = torch.stack(grads.Select(g => g.detach().norm()).ToList());   // norm(2) would mean dim 2
        double total = norms.norm().to_type(ScalarType.Float64).item<double>();
        if (maxNorm > 0)
        {
            double coef = maxNorm / (total + 1e-6);
            if (coef < 1)
            {
                using var s = coef.ToScalar();
                using var noGrad = torch.no_grad();
                foreach (var g in grads) g.mul_(s);
            }
        }
        return total;
    }
}
