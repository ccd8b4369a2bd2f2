using System.Text.Json;
using System.Text.Json.Serialization;

namespace MaskedSiamese.Models;

/// <summary>
/// Everything needed to rebuild the networks a checkpoint holds: the trunk, the projection head (absent for a bare
/// trunk) and the number of prototypes (absent when the checkpoint holds none). Stored as JSON in every checkpoint.
/// </summary>
/// <param name="Vit">The trunk.</param>
/// <param name="Head">The projection head, or null.</param>
/// <param name="NumPrototypes">K, or null.</param>
public sealed record EncoderArchitecture(VitOptions Vit, ProjectionHeadOptions? Head, int? NumPrototypes)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Builds a freshly initialised encoder of this architecture.</summary>
    public VisionTransformer CreateEncoder(TorchSharp.torch.Generator? generator = null) => new(Vit, Head, generator);

    /// <summary>JSON text of this architecture.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Parses <see cref="ToJson"/> output.</summary>
    public static EncoderArchitecture FromJson(string json) =>
        JsonSerializer.Deserialize<EncoderArchitecture>(json, Json) ?? throw new JsonException("null architecture");

    /// <summary>
    /// The state-dict keys and shapes of an encoder of this architecture, by arithmetic (nothing is allocated): what a
    /// checkpoint must hold before a model is built from the sizes it claims.
    /// </summary>
    public IReadOnlyDictionary<string, long[]> StateDictShapes()
    {
        long d = Vit.EmbedDim, p = Vit.PatchSize, m = Vit.MlpHiddenDim;
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal)
        {
            ["cls_token"] = [1, 1, d],
            ["pos_embed"] = [1, Vit.NumPatches + 1, d],
            ["patch_embed.proj.weight"] = [d, 3, p, p],
            ["patch_embed.proj.bias"] = [d],
            ["norm.weight"] = [d],
            ["norm.bias"] = [d],
        };
        for (int i = 0; i < Vit.Depth; i++)
        {
            string b = $"blocks.{i}.";
            foreach (var (name, shape) in new (string, long[])[]
            {
                ("norm1.weight", [d]), ("norm1.bias", [d]), ("attn.qkv.weight", [3 * d, d]),
                ("attn.proj.weight", [d, d]), ("attn.proj.bias", [d]), ("norm2.weight", [d]), ("norm2.bias", [d]),
                ("mlp.fc1.weight", [m, d]), ("mlp.fc1.bias", [m]), ("mlp.fc2.weight", [d, m]), ("mlp.fc2.bias", [d]),
            })
                shapes[b + name] = shape;
            if (Vit.QkvBias) shapes[b + "attn.qkv.bias"] = [3 * d];
        }
        if (Head is { } h) AddHeadShapes(shapes, d, h);
        return shapes;
    }

    private static void AddHeadShapes(Dictionary<string, long[]> shapes, long d, ProjectionHeadOptions h)
    {
        long hidden = h.HiddenDim;
        shapes["fc.fc1.weight"] = [hidden, d];
        shapes["fc.fc1.bias"] = [hidden];
        shapes["fc.fc2.weight"] = [hidden, hidden];
        shapes["fc.fc2.bias"] = [hidden];
        shapes["fc.fc3.weight"] = [h.OutputDim, hidden];
        shapes["fc.fc3.bias"] = [h.OutputDim];
        foreach (var bn in new[] { "fc.bn1.", "fc.bn2." })
        {
            foreach (var field in new[] { "weight", "bias", "running_mean", "running_var" })
                shapes[bn + field] = [hidden];
            shapes[bn + "num_batches_tracked"] = [];
        }
    }

    /// <summary>Parameter count of the trunk, of the head, and of the prototypes.</summary>
    public (long Trunk, long Head, long Prototypes) ParameterCounts()
    {
        long d = Vit.EmbedDim, p = Vit.PatchSize, m = Vit.MlpHiddenDim;
        long perBlock = 2 * d + (3 * d * d + (Vit.QkvBias ? 3 * d : 0)) + (d * d + d) + 2 * d + (d * m + m) +
            (m * d + d);
        long trunk = d + (Vit.NumPatches + 1) * d + (3 * p * p * d + d) + Vit.Depth * perBlock + 2 * d;
        long head = 0;
        if (Head is { } h)
            head = (d * h.HiddenDim + h.HiddenDim) + 2 * h.HiddenDim + (h.HiddenDim * h.HiddenDim + h.HiddenDim)
                   + 2 * h.HiddenDim + (h.HiddenDim * h.OutputDim + h.OutputDim);
        long protos = NumPrototypes is { } k && Head is { } hh ? (long)k * hh.OutputDim : 0;
        return (trunk, head, protos);
    }
}
