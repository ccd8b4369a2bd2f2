using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Evaluation;

/// <summary>
/// The change of variables W = L⁻ᵀV that preconditions <see cref="SoftmaxObjective"/>: L is the Cholesky factor of
/// the features' second moment XᵀX/n (+ δI), so the whitened features X̃ = XL⁻ᵀ have identity second moment and
/// X̃V = XW. Encoder features are strongly anisotropic (a few directions carry most of the variance), which leaves
/// plain L-BFGS on 60k samples with λ/n ≈ 4e-8 creeping along the weak directions; in V the data term is
/// near-isotropic. The optimum is the same W: only the path to it changes.
/// </summary>
internal sealed class FeatureWhitening : IDisposable
{
    // δ as a fraction of the mean eigenvalue: keeps L well defined when XᵀX is singular (centred rows are orthogonal
    // to the all-ones vector; fewer samples than dimensions) without changing the optimum, which is exact for any
    // δ > 0.
    private const double Ridge = 1e-4;

    private readonly Tensor _l;        // [D, D] lower triangular, float64, CPU
    private readonly int _classes;

    /// <summary>Factors the second moment of <paramref name="features"/> [n, D].</summary>
    public FeatureWhitening(Tensor features, int classes)
    {
        _classes = classes;
        using var scope = torch.NewDisposeScope();
        var x = features.to(float64).cpu();
        long n = x.shape[0], d = x.shape[1];
        using var rows = n.ToScalar();
        var moment = x.t().mm(x).div_(rows);
        using var floor = (Ridge * Math.Max(moment.trace().item<double>() / d, 1e-300)).ToScalar();
        moment.add_(torch.eye(d, dtype: float64).mul_(floor), KeptScalars.One);
        _l = torch.linalg.cholesky(moment).DetachFromDisposeScope();
    }

    /// <summary>X̃ = XL⁻ᵀ in the features' dtype and device.</summary>
    public Tensor Whiten(Tensor features)
    {
        using var scope = torch.NewDisposeScope();
        var xt = features.to(float64).cpu().t();
        // L X̃ᵀ = Xᵀ, solved by forward substitution.
        var whitened = torch.linalg.solve_triangular(_l, xt, upper: false).t();
        return whitened.to(features.dtype).to(features.device).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>W = L⁻ᵀV for V [D, C] (row-major arrays).</summary>
    public double[] Weights(double[] v) => Solve(v, transposed: true);

    /// <summary>L⁻¹W: the V-gradient of (1/2)‖W‖², since ∂W/∂V = L⁻ᵀ.</summary>
    public double[] PenaltyGradient(double[] w) => Solve(w, transposed: false);

    /// <summary>LG: the W-gradient of an objective whose V-gradient is <paramref name="gradientV"/>.</summary>
    public double[] OriginalGradient(double[] gradientV)
    {
        using var scope = torch.NewDisposeScope();
        var g = torch.tensor(gradientV, [_l.shape[0], _classes], float64);
        return _l.mm(g).contiguous().data<double>().ToArray();
    }

    private double[] Solve(double[] values, bool transposed)
    {
        using var scope = torch.NewDisposeScope();
        var b = torch.tensor(values, [_l.shape[0], _classes], float64);
        var a = transposed ? _l.t() : _l;
        return torch.linalg.solve_triangular(a, b, upper: transposed).contiguous().data<double>().ToArray();
    }

    public void Dispose() => _l.Dispose();
}
