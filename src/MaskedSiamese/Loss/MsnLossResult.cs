using static TorchSharp.torch;

namespace MaskedSiamese.Loss;

/// <summary>
/// What one evaluation of <see cref="MsnLoss"/> gives. Owns <see cref="Loss"/> and <see cref="Targets"/>: dispose it
/// (or let an enclosing dispose scope do so) after the backward pass.
/// </summary>
/// <param name="Loss">0-d total loss <c>CE + λ·R + ent_weight·ent</c>, differentiable w.r.t. anchors and
/// prototypes.</param>
/// <param name="CrossEntropy">The CE term.</param>
/// <param name="MeMax">The ME-MAX regulariser R (unweighted).</param>
/// <param name="Entropy">The mean anchor entropy (unweighted).</param>
/// <param name="Diagnostics">The official target diagnostics (np, max_t, min_t).</param>
/// <param name="Targets">The targets tiled over the anchor views, [(M)·B, K], without grad.</param>
public sealed record MsnLossResult(Tensor Loss, double CrossEntropy, double MeMax, double Entropy,
    TargetDiagnostics Diagnostics, Tensor Targets) : IDisposable
{
    /// <summary>Releases <see cref="Loss"/> and <see cref="Targets"/>.</summary>
    public void Dispose()
    {
        Loss.Dispose();
        Targets.Dispose();
    }
}
