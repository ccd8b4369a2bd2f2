using MaskedSiamese.Onnx;
using Microsoft.ML.Data;

namespace MaskedSiamese.Tests.Onnx;

/// <summary>An ML.NET row with an exported classifier's class probabilities.</summary>
public sealed class OnnxProbabilityRow
{
    /// <summary>Softmax over the classes, in the order of the model's class names.</summary>
    [ColumnName(OnnxClassifierFormat.ProbabilitiesOutput)]
    public float[] Probabilities { get; set; } = [];
}
