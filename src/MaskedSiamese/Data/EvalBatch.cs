using TorchSharp;

namespace MaskedSiamese.Data;

/// <summary>
/// One evaluation batch of float32 CPU tensors, made on a loader thread and in no dispose scope of the consumer: the
/// consumer owns it and must dispose it.
/// </summary>
public sealed class EvalBatch : IDisposable
{
    internal EvalBatch(torch.Tensor images, IReadOnlyList<int> indices, IReadOnlyList<int> labels, int step)
    {
        Images = images;
        Indices = indices;
        Labels = labels;
        Step = step;
    }

    /// <summary>The normalised images, [B, 3, S, S].</summary>
    public torch.Tensor Images { get; }

    /// <summary>The dataset index of each row.</summary>
    public IReadOnlyList<int> Indices { get; }

    /// <summary>The label of each row (−1 for an unlabeled source).</summary>
    public IReadOnlyList<int> Labels { get; }

    /// <summary>The batch's position in the pass.</summary>
    public int Step { get; }

    /// <summary>Rows in the batch.</summary>
    public int Count => Indices.Count;

    /// <summary>Releases the tensor's native memory.</summary>
    public void Dispose() => Images.Dispose();
}
