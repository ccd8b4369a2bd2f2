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
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var list = parameters.ToList();
        // Every rank must reduce the same shapes in the same order, so a missing gradient takes part as zeros.
        foreach (var p in list)
            if (p.grad is null) p.grad = zeros_like(p).DetachFromDisposeScope();
        // One flat buffer, one collective call: per-tensor calls would pay the latency once per parameter.
        var flat = cat(list.Select(p => p.grad!.reshape(-1)).ToList());
        if (average) collective.AllReduceMean(flat);
        else collective.AllReduceSum(flat);
        long offset = 0;
        foreach (var p in list)
        {
            var grad = p.grad!;
            grad.copy_(flat.narrow(0, offset, grad.numel()).view_as(grad));
            offset += grad.numel();
        }
    }
}
