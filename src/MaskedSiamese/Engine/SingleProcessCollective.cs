using static TorchSharp.torch;

namespace MaskedSiamese.Engine;

/// <summary>One process: every collective operation is the identity (and costs nothing).</summary>
public sealed class SingleProcessCollective : ICollective
{
    /// <summary>The shared instance.</summary>
    public static SingleProcessCollective Instance { get; } = new();

    private SingleProcessCollective() { }

    /// <inheritdoc />
    public int Rank => 0;

    /// <inheritdoc />
    public int WorldSize => 1;

    /// <inheritdoc />
    public void AllReduceSum(Tensor tensor) => ArgumentNullException.ThrowIfNull(tensor);

    /// <inheritdoc />
    public void AllReduceMean(Tensor tensor) => ArgumentNullException.ThrowIfNull(tensor);

    /// <inheritdoc />
    public void Broadcast(Tensor tensor, int root = 0)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentOutOfRangeException.ThrowIfNotEqual(root, 0);
    }
}
