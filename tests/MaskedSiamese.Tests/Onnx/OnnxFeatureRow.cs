using Microsoft.ML.Data;

namespace MaskedSiamese.Tests.Onnx;

/// <summary>An ML.NET row with the exported model's official features.</summary>
public sealed class OnnxFeatureRow
{
    /// <summary>[CLS] after the last block, before the final norm.</summary>
    [ColumnName("features")]
    public float[] Features { get; set; } = [];
}
