using static TorchSharp.torch;

namespace MaskedSiamese.Engine;

/// <summary>
/// The processes that train one model together, and the collective operations the MSN step needs (the official code's
/// <c>AllReduce</c>, <c>AllReduceSum</c> and DDP's gradient averaging, msn-spec §2, §8). Every rank calls every
/// operation in the same order with tensors of the same shape. The operations work in place, without autograd.
/// </summary>
public interface ICollective
{
    /// <summary>This process's index, 0 ≤ rank &lt; <see cref="WorldSize"/>.</summary>
    int Rank { get; }

    /// <summary>The number of processes.</summary>
    int WorldSize { get; }

    /// <summary>Replaces <paramref name="tensor"/> by its element-wise sum over all ranks.</summary>
    void AllReduceSum(Tensor tensor);

    /// <summary>Replaces <paramref name="tensor"/> by its element-wise mean over all ranks.</summary>
    void AllReduceMean(Tensor tensor);

    /// <summary>Replaces <paramref name="tensor"/> on every rank by rank <paramref name="root"/>'s values.</summary>
    void Broadcast(Tensor tensor, int root = 0);
}
