using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MaskedSiamese.Engine;

/// <summary>
/// The gradient synchronisation point after backward: DDP averages the encoder's gradients over the processes, and
/// the official code sums the prototypes' (<c>AllReduceSum</c>, msn-spec §1.4). One process has nothing to do.
/// </summary>
public static class CollectiveGradients
{
    /// <summary>Replaces each gradient of <paramref name="parameters"/> by its mean over the processes.</summary>
    public static void Average(ICollective collective, IEnumerable<Parameter> parameters) =>
        Reduce(collective, parameters, average: true);

    /// <summary>Replaces each gradient of <paramref name="parameters"/> by its sum over the processes.</summary>
    public static void Sum(ICollective collective, IEnumerable<Parameter> parameters) =>
        Reduce(collective, parameters, average: false);

    private static void Reduce(ICollective collective, IEnumerable<Parameter> parameters, bool average)
    {
        ArgumentNullException.ThrowIfNull(collective);
        ArgumentNullException.ThrowIfNull(parameters);
        if (collective.WorldSize == 1) return;
        foreach (var p in parameters)
        {
            // Every rank must call in the same order with the same shapes, so a missing gradient reduces zeros.
            using var grad = p.grad ?? zeros_like(p);
            if (average) collective.AllReduceMean(grad);
            else collective.AllReduceSum(grad);
            if (p.grad is null) p.grad = grad.clone();
        }
    }
}
