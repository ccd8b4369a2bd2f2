using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Evaluation;

/// <summary>
/// (1/n)(Σᵢ CE(Wᵀxᵢ, yᵢ) + (λ/2)‖W‖²_F) and its gradient, for W [D, C] or, with a
/// <see cref="FeatureWhitening"/>, for V = LᵀW (the variable L-BFGS then moves; <see cref="Weights"/> maps it back),
/// row-major in a double array. The two matmuls run in the features' dtype and device (float32 keeps 60k×784
/// memory-bound and fast); the log-sum-exp, the sums and the regulariser are in float64, so the line search sees a
/// smooth objective.
/// </summary>
internal sealed class SoftmaxObjective : IDisposable
{
    private readonly Tensor _x;
    private readonly Tensor _oneHot;
    private readonly Tensor _labels;
    private readonly double _lambda;
    private readonly FeatureWhitening? _whitening;

    internal SoftmaxObjective(Tensor features, int[] labels, int numClasses, double lambda, bool whiten = false)
    {
        Count = (int)features.shape[0];
        Dimension = (int)features.shape[1];
        Classes = numClasses;
        _lambda = lambda;
        using var scope = torch.NewDisposeScope();
        _whitening = whiten ? new FeatureWhitening(features, numClasses) : null;
        _x = (_whitening?.Whiten(features) ?? features.alias()).DetachFromDisposeScope();
        _labels = torch.tensor(labels.Select(l => (long)l).ToArray(), [Count, 1], device: features.device)
            .DetachFromDisposeScope();
        _oneHot = torch.zeros(Count, numClasses, float64, features.device)
            .scatter_(1, _labels, torch.ones(Count, 1, float64, features.device)).DetachFromDisposeScope();
    }

    internal int Count { get; }

    internal int Dimension { get; }

    internal int Classes { get; }

    /// <summary>Mean objective; <paramref name="gradient"/> receives its gradient.</summary>
    internal double Evaluate(double[] w, double[] gradient)
    {
        using var scope = torch.NewDisposeScope();
        using var weights = torch.tensor(w, [Dimension, Classes], float64, _x.device);
        var logits = _x.mm(weights.to(_x.dtype)).to(float64);
        var lse = logits.logsumexp(1, keepdim: true);
        double ce = (lse.sum() - logits.gather(1, _labels).sum()).item<double>();
        var residual = (logits - lse).exp_().sub_(_oneHot);
        var g = _x.t().mm(residual.to(_x.dtype)).to(float64).cpu();
        g.data<double>().CopyTo(gradient);
        // The penalty acts on W; under whitening its V-gradient is L⁻¹W.
        var weightsW = _whitening?.Weights(w) ?? w;
        var penalty = _whitening?.PenaltyGradient(weightsW) ?? w;
        double squares = 0;
        for (int i = 0; i < w.Length; i++)
        {
            squares += weightsW[i] * weightsW[i];
            gradient[i] = (gradient[i] + _lambda * penalty[i]) / Count;
        }
        return (ce + 0.5 * _lambda * squares) / Count;
    }

    /// <summary>The weights W of the optimisation variable (itself, without whitening).</summary>
    internal double[] Weights(double[] variable) => _whitening?.Weights(variable) ?? variable;

    /// <summary>‖∇_W‖∞ of the objective given its gradient in the optimisation variable: the stopping test
    /// stays the one of the unpreconditioned problem.</summary>
    internal double GradientNormInf(double[] gradient)
    {
        var g = _whitening?.OriginalGradient(gradient) ?? gradient;
        double m = 0;
        foreach (double e in g) m = Math.Max(m, Math.Abs(e));
        return m;
    }

    public void Dispose()
    {
        _whitening?.Dispose();
        _x.Dispose();
        _labels.Dispose();
        _oneHot.Dispose();
    }
}
