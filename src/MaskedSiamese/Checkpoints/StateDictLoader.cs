using MaskedSiamese.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Checkpoints;

/// <summary>
/// Loads a state dict into a module by key, refusing the first missing, unexpected or mis-shaped key with one line
/// (TorchSharp's own <c>load_state_dict</c> silently broadcasts broadcastable shapes, e.g. a [1,1,D] positional
/// embedding into [1,N,D]).
/// </summary>
public static class StateDictLoader
{
    /// <summary>Copies every tensor of <paramref name="stateDict"/> into <paramref name="module"/>'s parameters and
    /// buffers (converted to their dtype and device).</summary>
    /// <param name="module">The destination.</param>
    /// <param name="stateDict">Keys as the module's <c>state_dict()</c> names them.</param>
    /// <param name="source">What the weights come from (a file and part), for messages.</param>
    public static void Load(nn.Module module, IReadOnlyDictionary<string, Tensor> stateDict, string source)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(stateDict);
        var own = Check(module, stateDict, source);
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();   // copy_ returns a new wrapper of its destination
        foreach (var (key, dst) in own)
        {
            using var converted = stateDict[key].to(dst.dtype, dst.device);
            dst.copy_(converted);
        }
    }

    /// <summary>Refuses, with one line naming the key, the first key of <paramref name="module"/> that
    /// <paramref name="stateDict"/> lacks, the first key it has that the module lacks, and the first shape that
    /// differs. Returns the module's own state dict.</summary>
    public static Dictionary<string, Tensor> Check(nn.Module module, IReadOnlyDictionary<string, Tensor> stateDict,
        string source)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(stateDict);
        var own = module.state_dict();
        foreach (var key in own.Keys)
            if (!stateDict.ContainsKey(key))
                throw new CheckpointFormatException($"{source}: missing key '{key}'");
        foreach (var key in stateDict.Keys)
            if (!own.ContainsKey(key))
                throw new CheckpointFormatException($"{source}: unexpected key '{key}'");
        foreach (var (key, dst) in own)
        {
            var src = stateDict[key];
            if (!src.shape.SequenceEqual(dst.shape))
                throw new CheckpointFormatException(
                    $"{source}: key '{key}' has shape {ArchitectureInference.FormatShape(src.shape)}, the model " +
                    $"expects {ArchitectureInference.FormatShape(dst.shape)}");
        }
        return own;
    }

    /// <summary>Refuses, with one line, a state dict that does not hold exactly the keys and shapes of
    /// <paramref name="expected"/>: run before building a model from the sizes a file claims, so that a small file
    /// claiming a huge architecture allocates nothing.</summary>
    public static void CheckShapes(IReadOnlyDictionary<string, long[]> expected,
        IReadOnlyDictionary<string, Tensor> stateDict, string source)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(stateDict);
        foreach (var key in expected.Keys)
            if (!stateDict.ContainsKey(key))
                throw new CheckpointFormatException($"{source}: missing key '{key}'");
        // In the architecture's order (and unknown keys sorted): a file's own order may vary from run to run (an
        // unpickled dict's), the first problem named must not.
        foreach (var key in stateDict.Keys.Order(StringComparer.Ordinal))
            if (!expected.ContainsKey(key))
                throw new CheckpointFormatException($"{source}: unexpected key '{key}'");
        foreach (var (key, shape) in expected)
        {
            var tensor = stateDict[key];
            if (!tensor.shape.SequenceEqual(shape))
                throw new CheckpointFormatException(
                    $"{source}: key '{key}' has shape {ArchitectureInference.FormatShape(tensor.shape)}, the " +
                    $"architecture claims {ArchitectureInference.FormatShape(shape)}");
            // Weights are floating point (only BatchNorm's step counter is an integer): an integer pos_embed was
            // converted on load and silently changed the outputs.
            if (!key.EndsWith("num_batches_tracked", StringComparison.Ordinal) && !tensor.is_floating_point())
                throw new CheckpointFormatException($"{source}: key '{key}' holds {tensor.dtype} values; weights are " +
                    $"floating point");
        }
    }

    /// <summary>Copies of a module's parameters and buffers, detached, on the CPU, by key.</summary>
    public static Dictionary<string, Tensor> Snapshot(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return module.state_dict().ToDictionary(kv => kv.Key, kv => CpuCopy.Of(kv.Value), StringComparer.Ordinal);
    }
}
