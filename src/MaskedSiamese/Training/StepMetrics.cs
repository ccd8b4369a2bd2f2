using MaskedSiamese.Diagnostics;

namespace MaskedSiamese.Training;

/// <summary>What one step measured, under the official log names (loss, msn, me_max, ent, np, max_t, lr, wd).</summary>
/// <param name="Step">0-based global step.</param>
/// <param name="Epoch">0-based epoch.</param>
/// <param name="Loss">Total loss (msn + λ·me_max + ent_weight·ent).</param>
/// <param name="Msn">The cross-entropy between anchor predictions and targets.</param>
/// <param name="MeMax">The mean-entropy-maximisation regulariser log K − H(p̄).</param>
/// <param name="Entropy">Mean entropy of the anchor predictions.</param>
/// <param name="Np">Distinct prototypes that are some target's argmax (collapse shows as a small number).</param>
/// <param name="MaxT">Mean of the targets' row maxima.</param>
/// <param name="MinT">Mean of the targets' row minima.</param>
/// <param name="LearningRate">lr used.</param>
/// <param name="WeightDecay">Weight decay used.</param>
/// <param name="Momentum">EMA momentum used.</param>
/// <param name="GradNorm">Encoder gradient norm before clipping (NaN when the step was not applied).</param>
public sealed record StepMetrics(long Step, int Epoch, double Loss, double Msn, double MeMax, double Entropy, int Np,
    double MaxT, double MinT, double LearningRate, double WeightDecay, double Momentum, double GradNorm)
{
    /// <summary>The metrics as log columns, in the official order.</summary>
    public IReadOnlyList<NamedValue> ToNamedValues() =>
    [
        new("loss", Loss), new("msn", Msn), new("me_max", MeMax), new("ent", Entropy), new("np", Np),
        new("max_t", MaxT), new("min_t", MinT), new("lr", LearningRate), new("wd", WeightDecay),
        new("momentum", Momentum), new("grad_norm", GradNorm),
    ];
}
