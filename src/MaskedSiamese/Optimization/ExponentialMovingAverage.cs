using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Optimization;

/// <summary>The target-encoder update of the official code: θ̄ ← m·θ̄ + (1 − m)·θ over every parameter (not
/// the buffers: the target's BatchNorm keeps its own running statistics).</summary>
public static class ExponentialMovingAverage
{
    /// <summary>Moves each parameter of <paramref name="target"/> towards the same-named one of
    /// <paramref name="online"/> with momentum <paramref name="momentum"/>.</summary>
    public static void Update(nn.Module target, nn.Module online, double momentum)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(online);
        var source = online.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();   // in-place operations and detach() return new wrappers
        using var m = momentum.ToScalar();
        using var oneMinusM = (1 - momentum).ToScalar();
        foreach (var (name, p) in target.named_parameters())
            p.mul_(m).add_(source[name].detach(), oneMinusM);
    }
}
