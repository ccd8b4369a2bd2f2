using System.Text.Json.Nodes;
using MaskedSiamese.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Checkpoints;

/// <summary>
/// Our checkpoint: a safetensors file holding any of the online encoder (<c>encoder.*</c>), the EMA target encoder
/// (<c>target_encoder.*</c>), the prototypes (<c>prototypes</c>) and the optimizer state (<c>optimizer.*</c>), with
/// the architecture (JSON) and free-form training state (JSON: step, options, RNG, …) in the metadata. Written
/// atomically; reading it executes nothing.
/// </summary>
public sealed class MsnCheckpoint : IDisposable
{
    /// <summary>Value of the <c>format</c> metadata key that marks our files.</summary>
    public const string FormatName = "maskedsiamese-checkpoint";

    /// <summary>Creates an empty checkpoint for an architecture.</summary>
    public MsnCheckpoint(EncoderArchitecture architecture) =>
        Architecture = architecture ?? throw new ArgumentNullException(nameof(architecture));

    /// <summary>The networks' architecture.</summary>
    public EncoderArchitecture Architecture { get; }

    /// <summary>The online (student) encoder's state dict, or null.</summary>
    public Dictionary<string, Tensor>? Encoder { get; init; }

    /// <summary>The EMA target encoder's state dict (what evaluation uses), or null.</summary>
    public Dictionary<string, Tensor>? TargetEncoder { get; init; }

    /// <summary>The prototypes [K, d], or null.</summary>
    public Tensor? Prototypes { get; init; }

    /// <summary>Optimizer state by <c>{parameter}.{field}</c>, e.g. <c>encoder.cls_token.exp_avg</c>, or
    /// null.</summary>
    public Dictionary<string, Tensor>? Optimizer { get; init; }

    /// <summary>Whether <see cref="Dispose"/> frees the tensors (false for a view of live training tensors that is
    /// only being saved).</summary>
    public bool OwnsTensors { get; init; } = true;

    /// <summary>Training state and provenance (JSON object), or null.</summary>
    public JsonObject? Training { get; init; }

    /// <summary>Names of the parts present, e.g. "encoder, target_encoder, prototypes".</summary>
    public IReadOnlyList<string> Parts =>
        new (string Name, bool Present)[]
        {
            ("encoder", Encoder is not null), ("target_encoder", TargetEncoder is not null),
            ("prototypes", Prototypes is not null), ("optimizer", Optimizer is not null),
            ("training_state", Training?["step"] is not null),
        }.Where(p => p.Present).Select(p => p.Name).ToList();

    /// <summary>Writes the checkpoint to <paramref name="path"/> atomically.</summary>
    public void Save(string path)
    {
        var tensors = new List<KeyValuePair<string, Tensor>>();
        void AddAll(string prefix, Dictionary<string, Tensor>? part)
        {
            if (part is null) return;
            foreach (var (k, v) in part.OrderBy(kv => kv.Key, StringComparer.Ordinal)) tensors.Add(new(prefix + k, v));
        }
        AddAll("encoder.", Encoder);
        AddAll("target_encoder.", TargetEncoder);
        if (Prototypes is not null) tensors.Add(new("prototypes", Prototypes));
        AddAll("optimizer.", Optimizer);
        var metadata = new Dictionary<string, string>
        {
            ["format"] = FormatName,
            ["format_version"] = "1",
            ["architecture"] = Architecture.ToJson(),
        };
        if (Training is not null) metadata["training"] = Training.ToJsonString();
        SafetensorsFile.Write(path, tensors, metadata);
    }

    /// <summary>Reads a checkpoint written by <see cref="Save"/>.</summary>
    /// <exception cref="CheckpointFormatException">Not one of our checkpoints, or damaged.</exception>
    public static MsnCheckpoint Load(string path) => FromFile(path, SafetensorsFile.Read(path));

    /// <summary>Reads a checkpoint already in memory (<paramref name="content"/>, e.g. received from another process);
    /// <paramref name="path"/> names it in errors.</summary>
    /// <exception cref="CheckpointFormatException">Not one of our checkpoints, or damaged.</exception>
    public static MsnCheckpoint Load(string path, byte[] content) =>
        FromFile(path, SafetensorsFile.Read(path, content));

    private static MsnCheckpoint FromFile(string path, SafetensorsFile file)
    {
        if (!file.Metadata.TryGetValue("format", out var format) || format != FormatName)
            throw new CheckpointFormatException($"{path}: a safetensors file but not a MaskedSiamese checkpoint (no " +
                $"format '{FormatName}' in its metadata)");
        if (!file.Metadata.TryGetValue("architecture", out var archJson))
            throw new CheckpointFormatException($"{path}: no architecture in the metadata");
        EncoderArchitecture architecture;
        try
        {
            architecture = EncoderArchitecture.FromJson(archJson);
            architecture.Vit.Validate();
            architecture.Head?.Validate();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or ArgumentException or NullReferenceException)
        {
            throw new CheckpointFormatException($"{path}: invalid architecture in the metadata: {e.Message}", e);
        }
        Dictionary<string, Tensor>? Part(string prefix)
        {
            var d = file.Tensors.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value, StringComparer.Ordinal);
            return d.Count == 0 ? null : d;
        }
        var checkpoint = new MsnCheckpoint(architecture)
        {
            Encoder = Part("encoder."),
            TargetEncoder = Part("target_encoder."),
            Prototypes = file.Contains("prototypes") ? file["prototypes"] : null,
            Optimizer = Part("optimizer."),
            Training = TrainingState(path, file.Metadata),
        };
        try
        {
            checkpoint.CheckAgainstArchitecture(path);
        }
        catch
        {
            checkpoint.Dispose();
            throw;
        }
        return checkpoint;
    }

    private static JsonObject? TrainingState(string path, IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue("training", out var text)) return null;
        try
        {
            // Duplicate keys would survive parsing and throw ArgumentException wherever the object is first read.
            return JsonNode.Parse(text,
                    documentOptions: new System.Text.Json.JsonDocumentOptions { AllowDuplicateProperties = false })
                as JsonObject
                ?? throw new CheckpointFormatException($"{path}: the 'training' metadata is not a JSON object");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new CheckpointFormatException($"{path}: the 'training' metadata is not JSON ({e.Message})", e);
        }
    }

    /// <summary>Refuses parts whose keys or shapes differ from what the claimed architecture builds, before anything
    /// is built from it.</summary>
    private void CheckAgainstArchitecture(string path)
    {
        var shapes = Architecture.StateDictShapes();
        if (Encoder is not null) StateDictLoader.CheckShapes(shapes, Encoder, $"{path}: encoder");
        if (TargetEncoder is not null) StateDictLoader.CheckShapes(shapes, TargetEncoder, $"{path}: target_encoder");
        if (Prototypes is null) return;
        long[] expected = [Architecture.NumPrototypes ?? (Prototypes.ndim == 2 ? Prototypes.shape[0] : -1),
            Architecture.Head?.OutputDim ?? -1];
        if (!Prototypes.shape.SequenceEqual(expected))
            throw new CheckpointFormatException(
                $"{path}: prototypes have shape {ArchitectureInference.FormatShape(Prototypes.shape)}, the " +
                $"architecture claims {ArchitectureInference.FormatShape(expected)}");
    }

    /// <summary>
    /// Reads any checkpoint we understand: ours (safetensors), or an official <c>.pth.tar</c> (imported on the fly).
    /// </summary>
    public static MsnCheckpoint LoadAny(string path, int? numHeads = null)
    {
        if (!File.Exists(path)) throw new CheckpointFormatException($"{path}: file not found");
        Span<byte> head = stackalloc byte[4];
        using (var s = File.OpenRead(path))
        {
            int n = s.Read(head);
            if (n < 4) throw new CheckpointFormatException($"{path}: empty or truncated ({n} bytes)");
        }
        bool isZip = head[0] == 'P' && head[1] == 'K';
        return isZip ? OfficialCheckpointImporter.Import(path, numHeads) : Load(path);
    }

    /// <summary>Builds the target encoder (or, without one, the online encoder) with these weights.</summary>
    public Models.VisionTransformer CreateTargetEncoder(Device? device = null)
    {
        var weights = TargetEncoder ?? Encoder
            ?? throw new CheckpointFormatException("the checkpoint holds no encoder");
        string part = TargetEncoder is null ? "encoder" : "target_encoder";
        // Features of non-finite weights are NaN and every accuracy computed from them is chance: refuse instead.
        foreach (var (key, t) in weights)
        {
            using var scope = NewDisposeScope();
            if (t.is_floating_point() && !t.isfinite().all().item<bool>())
                throw new CheckpointFormatException($"the checkpoint's {part} tensor '{key}' holds NaN " +
                    $"or infinite values");
        }
        var model = Architecture.CreateEncoder();
        if (device is not null) model.to(device);
        StateDictLoader.Load(model, weights, part);
        return model;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!OwnsTensors) return;
        foreach (var part in new[] { Encoder, TargetEncoder, Optimizer })
            if (part is not null)
                foreach (var t in part.Values) t.Dispose();
        Prototypes?.Dispose();
    }
}
