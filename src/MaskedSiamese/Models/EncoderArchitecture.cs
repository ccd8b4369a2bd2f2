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

    /// <summary>Parameter count of the trunk, of the head, and of the prototypes.</summary>
    public (long Trunk, long Head, long Prototypes) ParameterCounts()
    {
        long d = Vit.EmbedDim, p = Vit.PatchSize, m = Vit.MlpHiddenDim;
        long perBlock = 2 * d + (3 * d * d + (Vit.QkvBias ? 3 * d : 0)) + (d * d + d) + 2 * d + (d * m + m) + (m * d + d);
        long trunk = d + (Vit.NumPatches + 1) * d + (3 * p * p * d + d) + Vit.Depth * perBlock + 2 * d;
        long head = 0;
        if (Head is { } h)
            head = (d * h.HiddenDim + h.HiddenDim) + 2 * h.HiddenDim + (h.HiddenDim * h.HiddenDim + h.HiddenDim)
                   + 2 * h.HiddenDim + (h.HiddenDim * h.OutputDim + h.OutputDim);
        long protos = NumPrototypes is { } k && Head is { } hh ? (long)k * hh.OutputDim : 0;
        return (trunk, head, protos);
    }
}
