using TorchSharp;

namespace MaskedSiamese.Data;

/// <summary>
/// One training batch of float32 CPU tensors, made on a loader thread and therefore in no dispose scope of the
/// consumer: the consumer owns it and must dispose it (or <c>Attach</c> its tensors to a scope of its own).
/// </summary>
public sealed class MultiViewBatch : IDisposable
{
    internal MultiViewBatch(torch.Tensor target, torch.Tensor anchor, IReadOnlyList<torch.Tensor> focal,
        IReadOnlyList<int> indices, IReadOnlyList<int> labels, int epoch, int step)
    {
        Target = target;
        Anchor = anchor;
        Focal = focal;
        Indices = indices;
        Labels = labels;
        Epoch = epoch;
        Step = step;
    }

    /// <summary>Target views, [B, 3, S, S], normalised.</summary>
    public torch.Tensor Target { get; }

    /// <summary>Anchor views (to be masked), [B, 3, S, S], augmented independently of the targets.</summary>
    public torch.Tensor Anchor { get; }

    /// <summary>The focal views, one [B, 3, s, s] tensor per focal view.</summary>
    public IReadOnlyList<torch.Tensor> Focal { get; }

    /// <summary>The dataset index of each row.</summary>
    public IReadOnlyList<int> Indices { get; }

    /// <summary>The label of each row (−1 for an unlabeled source).</summary>
    public IReadOnlyList<int> Labels { get; }

    /// <summary>The epoch this batch belongs to.</summary>
    public int Epoch { get; }

    /// <summary>The batch's position within its epoch.</summary>
    public int Step { get; }

    /// <summary>Rows in the batch.</summary>
    public int Count => Indices.Count;

    /// <summary>Every tensor of the batch: target, anchor, then the focal views.</summary>
    public IEnumerable<torch.Tensor> Tensors => new[] { Target, Anchor }.Concat(Focal);

    /// <summary>Releases the tensors' native memory.</summary>
    public void Dispose()
    {
        foreach (var t in Tensors) t.Dispose();
    }
}
