namespace MaskedSiamese.Onnx;

/// <summary>
/// The contract of an exported encoder file: opset, input and output names, the symbolic batch dimension and the
/// <c>metadata_props</c> keys that carry the preprocessing. A consumer reads these instead of guessing.
/// </summary>
public static class OnnxEncoderFormat
{
    /// <summary>The ONNX opset of the default domain the graph uses (17: the first with
    /// <c>LayerNormalization</c>).</summary>
    public const int Opset = 17;

    /// <summary>The ONNX IR version written (8: the one that introduced opset 17's release).</summary>
    public const int IrVersion = 8;

    /// <summary>Input: float32 [batch, 3, S, S], RGB, already normalised ((pixel/255 − mean) / std), S = image
    /// size.</summary>
    public const string InputName = "images";

    /// <summary>Output: float32 [batch, D], the [CLS] token after the last block, before the final LayerNorm (the
    /// features of the official low-shot and linear evaluations).</summary>
    public const string FeaturesOutput = "features";

    /// <summary>Output: float32 [batch, D], the [CLS] token after the final LayerNorm (the input of the projection
    /// head).</summary>
    public const string FinalNormOutput = "features_final_norm";

    /// <summary>Name of the symbolic (dynamic) batch dimension of the input and outputs.</summary>
    public const string BatchDimension = "batch";

    /// <summary>Metadata key: side S of the square input in pixels.</summary>
    public const string ImageSizeKey = "image_size";

    /// <summary>Metadata key: the shorter side is resized to this before the centre crop of S pixels.</summary>
    public const string ResizeToKey = "resize_to";

    /// <summary>Metadata key: the three channel means (comma-separated, invariant culture) on the 0..1 scale.</summary>
    public const string MeanKey = "mean";

    /// <summary>Metadata key: the three channel standard deviations (comma-separated).</summary>
    public const string StdKey = "std";

    /// <summary>Metadata key: a sentence describing the input (layout, channel order, scaling).</summary>
    public const string InputLayoutKey = "input_layout";

    /// <summary>Metadata key: the encoder architecture as JSON (<c>EncoderArchitecture.ToJson</c>).</summary>
    public const string ArchitectureKey = "architecture";

    /// <summary>Metadata key: the file the weights came from.</summary>
    public const string SourceKey = "source";
}
