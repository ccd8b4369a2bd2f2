using MaskedSiamese.Data.Augmentation;

namespace MaskedSiamese.Onnx;

/// <summary>What an ONNX export records beside the weights.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>The preprocessing a consumer must apply (resize, crop, mean/std), written to the metadata. Its
    /// <see cref="EvalTransform.CropSize"/> must equal the encoder's image size. Default: the official ImageNet
    /// transform at the encoder's size.</summary>
    public EvalTransform? Preprocessing { get; init; }

    /// <summary>The file the weights came from (metadata <c>source</c>), or null.</summary>
    public string? SourceName { get; init; }
}
