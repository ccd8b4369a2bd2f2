using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace MaskedSiamese.Checkpoints;

/// <summary>
/// The training state our pretraining checkpoints record (their <c>training</c> metadata), typed: where the run
/// stands and what it ran with. Imported official checkpoints record other keys; the ones missing here read as null.
/// </summary>
public sealed record TrainingRecord
{
    /// <summary>Global steps done.</summary>
    [JsonPropertyName("step")]
    public long? Step { get; init; }

    /// <summary>Epochs done (<see cref="Step"/> / <see cref="IterationsPerEpoch"/>).</summary>
    [JsonPropertyName("epoch")]
    public long? Epoch { get; init; }

    /// <summary>Steps per epoch of the run's schedule.</summary>
    [JsonPropertyName("iterations_per_epoch")]
    public long? IterationsPerEpoch { get; init; }

    /// <summary>The run seed.</summary>
    [JsonPropertyName("seed")]
    public long? Seed { get; init; }

    /// <summary>LibTorch intra-op threads the run used (results repeat bit for bit only at the same count).</summary>
    [JsonPropertyName("threads")]
    public int? Threads { get; init; }

    /// <summary>The precision trained in (<c>fp32</c>, <c>bf16</c>).</summary>
    [JsonPropertyName("precision")]
    public string? Precision { get; init; }

    /// <summary>How the run's random draws can be reproduced.</summary>
    [JsonPropertyName("rng")]
    public string? Rng { get; init; }

    /// <summary>The resolved configuration (YAML) the run was started with.</summary>
    [JsonPropertyName("config")]
    public string? Config { get; init; }

    /// <summary>Processes of the run; written only for several, absent means one.</summary>
    [JsonPropertyName("world_size")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? WorldSize { get; init; }

    /// <summary>The record as the checkpoint's <c>training</c> JSON object.</summary>
    public JsonObject ToJson() => JsonSerializer.SerializeToNode(this, Options)!.AsObject();

    /// <summary>The typed view of a checkpoint's <c>training</c> object (null when it has none).</summary>
    /// <exception cref="CheckpointFormatException">A known key holds a value of the wrong type.</exception>
    public static TrainingRecord? From(JsonObject? training, string source)
    {
        if (training is null) return null;
        try
        {
            return training.Deserialize<TrainingRecord>(Options);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new CheckpointFormatException(
                $"{source}: its training state has a value of the wrong type ({e.Message})", e);
        }
    }

    /// <summary>The typed training state of the checkpoint file at <paramref name="path"/>, read from its header
    /// alone (null when the file or its record is absent).</summary>
    public static TrainingRecord? ReadFrom(string path)
    {
        if (!File.Exists(path)) return null;
        var (_, metadata) = SafetensorsFile.ReadHeader(path);
        if (!metadata.TryGetValue("training", out var text)) return null;
        JsonObject? json;
        try { json = JsonNode.Parse(text) as JsonObject; }
        catch (JsonException e)
        {
            throw new CheckpointFormatException($"{path}: its training state is not valid JSON ({e.Message})", e);
        }
        return From(json ?? throw new CheckpointFormatException($"{path}: its training state is not a JSON object"),
            path);
    }

    private static readonly JsonSerializerOptions Options = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.Strict,
    };
}
