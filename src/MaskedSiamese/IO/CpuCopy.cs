using static TorchSharp.torch;

namespace MaskedSiamese.IO;

/// <summary>Detached copies of tensors on the CPU, for checkpoints and exports.</summary>
public static class CpuCopy
{
    /// <summary>A detached CPU copy of <paramref name="tensor"/>, owned by the caller. <c>detach()</c> and
    /// <c>cpu()</c> each make a new managed wrapper; those are disposed here, where a chained
    /// <c>t.detach().cpu().clone()</c> outside a dispose scope leaves both to the GC.</summary>
    public static Tensor Of(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using var detached = tensor.detach();
        using var cpu = detached.cpu();
        return cpu.clone();
    }
}
