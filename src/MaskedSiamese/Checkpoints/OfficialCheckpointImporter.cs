using System.Collections;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json.Nodes;
using MaskedSiamese.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Checkpoints;

/// <summary>
/// Reads the official MSN checkpoints (<c>torch.save</c> zip files) without executing anything from them: the
/// restricted unpickler only rebuilds tensors and plain containers. Both layouts are accepted: released weights
/// (<c>target_encoder</c> + <c>prototypes</c>) and training checkpoints (<c>encoder</c>, <c>target_encoder</c>,
/// <c>prototypes</c>, <c>opt</c>, <c>epoch</c>, …). The <c>module.</c> prefix of DDP-saved weights is stripped.
/// </summary>
public static class OfficialCheckpointImporter
{
    /// <summary>Reads <paramref name="path"/> into our checkpoint form.</summary>
    /// <param name="path">A <c>*.pth.tar</c> file.</param>
    /// <param name="numHeads">Attention heads, when the encoder matches no official factory.</param>
    /// <exception cref="CheckpointFormatException">The file is missing, not a PyTorch zip checkpoint, truncated, or
    /// not an MSN checkpoint; the message names the file and the first problem.</exception>
    public static MsnCheckpoint Import(string path, int? numHeads = null)
    {
        // The unpickler makes tensors that the checkpoint does not keep (storages, views, entries it ignores): they
        // go with this scope, and only the kept ones move out to the caller's.
        using var scope = torch.NewDisposeScope();
        var checkpoint = ImportInScope(path, numHeads);
        var kept = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var part in new[] { checkpoint.Encoder, checkpoint.TargetEncoder, checkpoint.Optimizer })
            if (part is not null) kept.UnionWith(part.Values);
        if (checkpoint.Prototypes is not null) kept.Add(checkpoint.Prototypes);
        foreach (var t in kept) t.MoveToOuterDisposeScope();
        return checkpoint;
    }

    private static MsnCheckpoint ImportInScope(string path, int? numHeads)
    {
        var root = Unpickle(path);
        var target = StateDict(root, "target_encoder", path);
        var encoder = StateDict(root, "encoder", path);
        if (target is null && encoder is null)
            throw new CheckpointFormatException(
                $"{path}: neither 'target_encoder' nor 'encoder' found (keys: " +
                $"{string.Join(", ", root.Keys.Cast<object>())}): not an MSN checkpoint");
        Tensor? prototypes = root["prototypes"] as Tensor;
        if (root.ContainsKey("prototypes") && prototypes is null)
            throw new CheckpointFormatException($"{path}: 'prototypes' is not a tensor");
        var architecture = ArchitectureInference.Infer((target ?? encoder)!, numHeads,
            prototypes is null ? null : (int)prototypes.shape[0], path);
        if (prototypes is not null && architecture.Head is { } head && prototypes.shape[1] != head.OutputDim)
            throw new CheckpointFormatException(
                $"{path}: prototypes have width {prototypes.shape[1]} but the head outputs {head.OutputDim}");
        // Every key and shape of both state dicts against the inferred architecture, by arithmetic: a model built from
        // a claim first (zero-size tensors claiming width 4096 and depth 4: 3.2 GB from a 3 KB file) is never built.
        var shapes = architecture.StateDictShapes();
        if (target is not null) StateDictLoader.CheckShapes(shapes, target, $"{path} [target_encoder]");
        if (encoder is not null) StateDictLoader.CheckShapes(shapes, encoder, $"{path} [encoder]");
        var training = new JsonObject { ["imported_from"] = Path.GetFullPath(path) };
        foreach (var key in new[] { "epoch", "loss", "batch_size", "world_size", "lr", "temperature" })
            if (root[key] is { } v and (int or long or double or float))
                training["official_" + key] = Convert.ToDouble(v, CultureInfo.InvariantCulture);
        var optimizer = root["opt"] is Hashtable opt && encoder is not null && prototypes is not null
            ? OptimizerState(opt, architecture, path)
            : null;
        return new MsnCheckpoint(architecture)
        {
            Encoder = encoder,
            TargetEncoder = target,
            Prototypes = prototypes,
            Optimizer = optimizer,
            Training = training,
        };
    }

    private static Hashtable Unpickle(string path)
    {
        if (!File.Exists(path)) throw new CheckpointFormatException($"{path}: file not found");
        try
        {
            // Bounds first: the unpickler allocates whatever the pickle asks for.
            using (var zip = ZipFile.OpenRead(path)) TorchArchiveBounds.Check(zip, path);
            return TorchSharp.PyBridge.PyTorchUnpickler.UnpickleStateDict(path);
        }
        catch (InvalidDataException e)
        {
            throw new CheckpointFormatException(
                $"{path}: not a PyTorch zip checkpoint (torch.save ≥ 1.6), or truncated: {e.Message}", e);
        }
        catch (Exception e) when (e is not CheckpointFormatException and not OutOfMemoryException)
        {
            throw new CheckpointFormatException($"{path}: cannot read the checkpoint: {e.GetType().Name}: {e.Message}",
                e);
        }
    }

    private static Dictionary<string, Tensor>? StateDict(Hashtable root, string key, string path)
    {
        if (!root.ContainsKey(key) || root[key] is null) return null;
        if (root[key] is not IDictionary dict)
            throw new CheckpointFormatException($"{path}: '{key}' is not a state dict");
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in dict)
        {
            if (e.Key is not string name || e.Value is not Tensor t)
                throw new CheckpointFormatException($"{path}: '{key}' holds a non-tensor entry '{e.Key}'");
            result[name.StartsWith("module.", StringComparison.Ordinal) ? name["module.".Length..] : name] = t;
        }
        return result;
    }

    private static Dictionary<string, Tensor> OptimizerState(Hashtable opt, EncoderArchitecture architecture,
        string path)
    {
        var names = OfficialParameterOrder.OptimizerIndexToName(architecture);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        if (opt["state"] is not IDictionary state) return result;
        foreach (DictionaryEntry e in state)
        {
            int index = Convert.ToInt32(e.Key, CultureInfo.InvariantCulture);
            if (index < 0 || index >= names.Count)
                throw new CheckpointFormatException($"{path}: optimizer state for parameter #{index}, but the model " +
                    $"has {names.Count}");
            if (e.Value is not IDictionary s) continue;
            foreach (var field in new[] { "exp_avg", "exp_avg_sq", "step" })
            {
                if (s[field] is Tensor t) result[$"{names[index]}.{field}"] = t;
                else if (s[field] is { } scalar)
                    result[$"{names[index]}.{field}"] =
                        torch.tensor(Convert.ToSingle(scalar, CultureInfo.InvariantCulture));
            }
        }
        return result;
    }
}
