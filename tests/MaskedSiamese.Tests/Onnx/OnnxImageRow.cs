using Microsoft.ML.Data;

namespace MaskedSiamese.Tests.Onnx;

/// <summary>An ML.NET row holding one normalised 16-pixel image of the tiny encoder, flattened CHW.</summary>
public sealed class OnnxImageRow
{
    /// <summary>3 · 16 · 16 floats.</summary>
    public const int Length = 3 * 16 * 16;

    /// <summary>The image, under the exported model's input name.</summary>
    [ColumnName("images")]
    [VectorType(Length)]
    public float[] Images { get; set; } = [];
}
