namespace MaskedSiamese.Onnx;

/// <summary>
/// The contract of an exported classifier file, beside what it shares with an encoder file
/// (<see cref="OnnxEncoderFormat"/>: opset, the input <see cref="OnnxEncoderFormat.InputName"/>, the batch dimension
/// and the preprocessing keys).
/// </summary>
public static class OnnxClassifierFormat
{
    /// <summary>Output: float32 [batch, C], the class probabilities (softmax of <see cref="LogitsOutput"/>), classes
    /// in the order of <see cref="ClassNamesKey"/>.</summary>
    public const string ProbabilitiesOutput = "probabilities";

    /// <summary>Output: float32 [batch, C], the logits xᵀW of the centred, L2-normalised features x.</summary>
    public const string LogitsOutput = "logits";

    /// <summary>Metadata key: the class names as a JSON array of strings, in output order.</summary>
    public const string ClassNamesKey = "class_names";

    /// <summary>Metadata key: the encoder output the head reads (<c>last-block</c>, <c>final-norm</c> or
    /// <c>blocks:N</c>).</summary>
    public const string FeaturesKey = "features";

    /// <summary>Metadata key: how the head was fitted (JSON of the classifier's fit report).</summary>
    public const string ReportKey = "fit_report";
}
