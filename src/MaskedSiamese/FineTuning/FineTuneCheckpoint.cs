using System.Text.Json;
using System.Text.Json.Nodes;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Models;
using MaskedSiamese.Optimization;
using static TorchSharp.torch;

namespace MaskedSiamese.FineTuning;

/// <summary>
/// A fine-tuning checkpoint: safetensors with the network (<c>model.encoder.*</c>, <c>model.head</c>) and the AdamW
/// state (<c>optimizer.*</c>), and in the metadata <c>format</c> = <c>maskedsiamese-finetune-checkpoint</c>, the
/// source encoder's architecture and the training state (step, threads, recipe, class names). Written atomically
/// (safetensors' writer renames a finished temporary file); what it needs to continue bit for bit is all in it, since
/// every random draw derives from (seed, step) or (seed, epoch, image).
/// </summary>
internal static class FineTuneCheckpoint
{
    public const string FormatName = "maskedsiamese-finetune-checkpoint";
    private const string ModelPrefix = "model.", OptimizerPrefix = "optimizer.";

    public static void Write(string path, FineTuneNetwork network, AdamW optimizer, EncoderArchitecture architecture,
        JsonObject training)
    {
        // The moments are the live tensors, made before this scope; what is made here (the step counters) goes with it.
        using var scope = NewDisposeScope();
        var model = network.state_dict();
        var state = optimizer.StateDict(copy: false);
        var tensors = model.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new KeyValuePair<string, Tensor>(ModelPrefix + kv.Key, kv.Value))
            .Concat(state.OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => new KeyValuePair<string, Tensor>(OptimizerPrefix + kv.Key, kv.Value))).ToList();
        string arch = architecture.ToJson(), trainingText = training.ToJsonString();
        SafetensorsFile.Write(path, tensors, new Dictionary<string, string>
        {
            ["format"] = FormatName,
            ["format_version"] = "1",
            ["architecture"] = arch,
            ["training"] = trainingText,
            ["sha256"] = ContentDigest.Of([arch, trainingText], tensors),
        });
    }

    /// <summary>Restores <paramref name="network"/> and <paramref name="optimizer"/> from <paramref name="path"/> after
    /// checking that it was written for <paramref name="architecture"/>; returns its training state.</summary>
    /// <exception cref="CheckpointFormatException">Not a fine-tuning checkpoint, damaged, or of another
    /// encoder.</exception>
    public static JsonObject Restore(string path, FineTuneNetwork network, AdamW optimizer,
        EncoderArchitecture architecture)
    {
        var file = SafetensorsFile.Read(path);
        try
        {
            var meta = file.Metadata;
            if (!meta.TryGetValue("format", out var format) || format != FormatName)
                throw new CheckpointFormatException($"{path}: not a fine-tuning checkpoint (no format '{FormatName}' " +
                    $"in its metadata)");
            if (!meta.TryGetValue("architecture", out var arch) || EncoderArchitecture.FromJson(arch) != architecture)
                throw new CheckpointFormatException($"{path}: written for another encoder than the checkpoint given");
            var training = meta.TryGetValue("training", out var text) ? JsonNode.Parse(text) as JsonObject : null;
            if (training is null) throw new CheckpointFormatException($"{path}: no training state in the metadata");
            var tensors = file.Names.Select(n => new KeyValuePair<string, Tensor>(n, file[n])).ToList();
            if (!meta.TryGetValue("sha256", out var digest) || digest != ContentDigest.Of([arch, text!], tensors))
                throw new CheckpointFormatException($"{path}: damaged (its content does not match the SHA-256 it " +
                    $"records, or it records none)");
            StateDictLoader.Load(network, Part(file, ModelPrefix), $"{path}: model");
            var moments = Part(file, OptimizerPrefix);
            RequireMoments(path, moments);
            optimizer.LoadStateDict(moments);
            return training;
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException
            or FormatException)
        {
            throw new CheckpointFormatException($"{path}: invalid fine-tuning checkpoint ({e.Message})", e);
        }
        finally
        {
            foreach (var t in file.Tensors.Values) t.Dispose();
        }
    }

    // A checkpoint without the optimizer's moments would reset them silently: the run would not be the one resumed.
    // (Parameters that never received a gradient, e.g. the final norm under last-block features, have none.)
    private static void RequireMoments(string path, Dictionary<string, Tensor> moments)
    {
        if (moments.Count == 0) throw new CheckpointFormatException($"{path}: no optimizer state");
        foreach (string key in moments.Keys.Where(k => k.EndsWith(".exp_avg", StringComparison.Ordinal)))
            foreach (string part in new[] { "_sq", "" })
            {
                string needed = part.Length > 0 ? key + part : key[..^".exp_avg".Length] + ".step";
                if (!moments.ContainsKey(needed))
                    throw new CheckpointFormatException($"{path}: no optimizer state '{needed}'");
            }
    }

    /// <summary>The training state's step and thread count, checked: a step within the run's
    /// <paramref name="totalSteps"/> and a thread count LibTorch accepts.</summary>
    public static (long Step, int Threads) Progress(string path, JsonObject training, long totalSteps)
    {
        long step = Whole(path, training, "step", 0, totalSteps);
        int threads = (int)Whole(path, training, "threads", 1, 4096);
        return (step, threads);
    }

    private static long Whole(string path, JsonObject training, string key, long min, long max)
    {
        double value = training[key] is JsonValue v && v.TryGetValue(out double d) ? d : double.NaN;
        if (!(value >= min && value <= max) || value != Math.Floor(value))
            throw new CheckpointFormatException($"{path}: training state '{key}' is " +
                $"{training[key]?.ToJsonString() ?? "missing"}, expected a whole number in [{min}, {max}]");
        return (long)value;
    }

    private static Dictionary<string, Tensor> Part(SafetensorsFile file, string prefix) =>
        file.Tensors.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value, StringComparer.Ordinal);
}
