using static TorchSharp.torch;

namespace MaskedSiamese.Engine;

/// <summary>
/// Where and how tensor code runs: the device, the precision and the collective of the processes training together.
/// Tensor paths take these from here instead of assuming a CPU, float32 or one process.
/// </summary>
/// <param name="Device">Where tensors live.</param>
/// <param name="Precision">The arithmetic precision.</param>
/// <param name="Collective">The processes training one model.</param>
public sealed record StepContext(Device Device, Precision Precision, ICollective Collective)
{
    /// <summary>One CPU process in float32.</summary>
    public static StepContext Cpu { get; } = new(CPU, Precision.Fp32, SingleProcessCollective.Instance);

    /// <summary>Whether this process writes logs, charts and checkpoints (rank 0).</summary>
    public bool IsPrimary => Collective.Rank == 0;

    /// <summary>The dtype of parameters, optimizer state and checkpoints (always float32).</summary>
    public static ScalarType MasterDType => ScalarType.Float32;

    /// <summary>The context for <paramref name="device"/> in float32 on one process.</summary>
    public static StepContext For(Device device) => new(device, Precision.Fp32, SingleProcessCollective.Instance);
}
