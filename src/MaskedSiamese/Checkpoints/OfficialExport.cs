using MaskedSiamese.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Checkpoints;

/// <summary>
/// Writes a checkpoint's target encoder as a flat safetensors state dict with exactly the official key names and
/// shapes (<c>msn-spec.md</c> §6, without the DDP <c>module.</c> prefix): trunk, final norm and, when the architecture
/// has one, the projection head <c>fc.*</c> with its BatchNorm buffers (<c>num_batches_tracked</c> as int64 scalars),
/// so that PyTorch's <c>model.load_state_dict(safetensors.torch.load_file(path))</c> on the official <c>deit.py</c>
/// model (built with the head) loads it strictly. The metadata names the architecture.
/// </summary>
public static class OfficialExport
{
    /// <summary>Value of the <c>format</c> metadata key.</summary>
    public const string FormatName = "msn-official-state-dict";

    /// <summary>Official state-dict keys of an architecture, in PyTorch's <c>state_dict()</c> order.</summary>
    public static IReadOnlyList<string> Keys(EncoderArchitecture architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        var keys = new List<string>();
        foreach (var (name, _) in OfficialParameterOrder.EncoderParameters(architecture))
        {
            keys.Add(name);
            if (name.StartsWith("fc.bn", StringComparison.Ordinal) && name.EndsWith(".bias", StringComparison.Ordinal))
            {
                string layer = name[..^".bias".Length];
                keys.AddRange([layer + ".running_mean", layer + ".running_var", layer + ".num_batches_tracked"]);
            }
        }
        return keys;
    }

    /// <summary>
    /// The target encoder (or, without one, the online encoder) of <paramref name="checkpoint"/> as official keys,
    /// each tensor checked against the shape the architecture implies, written to <paramref name="path"/> atomically.
    /// </summary>
    /// <returns>The number of tensors written.</returns>
    /// <exception cref="CheckpointFormatException">The checkpoint lacks a key or has a wrong shape.</exception>
    public static int Write(MsnCheckpoint checkpoint, string path, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var arch = checkpoint.Architecture;
        using var encoder = checkpoint.CreateTargetEncoder();   // checks every key and shape of the stored weights
        using var scope = torch.NewDisposeScope();
        var own = encoder.state_dict();
        var tensors = new List<KeyValuePair<string, Tensor>>();
        foreach (string key in Keys(arch))
        {
            if (own.TryGetValue(key, out var t))
                tensors.Add(new(key, key.EndsWith("num_batches_tracked", StringComparison.Ordinal)
                    ? t.to(int64).reshape()
                    : t));
            else if (key.EndsWith("num_batches_tracked", StringComparison.Ordinal))
                tensors.Add(new(key, torch.tensor(0L)));
            else
                throw new CheckpointFormatException($"{sourceName ?? "checkpoint"}: the encoder has no '{key}'");
        }
        var extra = own.Keys.Except(tensors.Select(kv => kv.Key)).ToList();
        if (extra.Count > 0)
            throw new CheckpointFormatException($"{sourceName ?? "checkpoint"}: unexpected encoder key '{extra[0]}'");
        string? modelName = VitPresets.Names.FirstOrDefault(n => VitPresets.Get(n) == arch.Vit);
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["producer"] = FormatName,
            ["architecture"] = arch.ToJson(),
            ["model_name"] = modelName ?? "custom",
            ["head"] = arch.Head is null ? "none" : "fc (fc1, bn1, fc2, bn2, fc3)",
        };
        if (sourceName is not null) metadata["source"] = sourceName;
        SafetensorsFile.Write(path, tensors, metadata);
        return tensors.Count;
    }
}
