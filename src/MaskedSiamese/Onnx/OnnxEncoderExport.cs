using Google.Protobuf;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Data.Augmentation;
using MaskedSiamese.IO;
using MaskedSiamese.Models;
using Onnx;

namespace MaskedSiamese.Onnx;

/// <summary>
/// Writes a ViT encoder as a self-contained ONNX model (<see cref="OnnxEncoderFormat"/>: opset 17, input
/// <c>images</c> [batch, 3, S, S], outputs <c>features</c> and <c>features_final_norm</c> [batch, D], preprocessing
/// in <c>metadata_props</c>), built node by node from our own weights: no Python, no <c>torch.onnx</c>. ONNX Runtime
/// and ML.NET's <c>ApplyOnnxModel</c> run it without libtorch.
/// </summary>
public static class OnnxEncoderExport
{
    /// <summary>The target encoder (or, without one, the online encoder) of <paramref name="checkpoint"/> as ONNX,
    /// written to <paramref name="path"/> atomically.</summary>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="CheckpointFormatException">The checkpoint's encoder is missing, malformed or too
    /// large.</exception>
    public static long Write(MsnCheckpoint checkpoint, string path, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var encoder = checkpoint.CreateTargetEncoder();   // checks every key, shape and value of the weights
        byte[] bytes = ToBytes(encoder, options);
        AtomicFile.Write(path, s => s.Write(bytes));
        return bytes.Length;
    }

    /// <summary>The serialised ONNX model of <paramref name="encoder"/>'s trunk (the projection head is not
    /// exported).</summary>
    public static byte[] ToBytes(VisionTransformer encoder, OnnxExportOptions? options = null) =>
        Build(encoder, options).ToByteArray();

    /// <summary>The ONNX model proto (OnnxSharp's generated class) of <paramref name="encoder"/>'s trunk.</summary>
    internal static ModelProto Build(VisionTransformer encoder, OnnxExportOptions? options)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        options ??= new OnnxExportOptions();
        var vit = encoder.Options;
        var preprocessing = options.Preprocessing ?? DefaultPreprocessing(vit.ImageSize);
        OnnxModelFile.CheckPreprocessing(preprocessing, vit, nameof(options));
        var g = new OnnxGraphBuilder("msn_vit_encoder");
        VitGraphWriter.Write(g, encoder);
        OnnxModelFile.CheckSize(g);
        long s = vit.ImageSize, d = vit.EmbedDim;
        string b = OnnxEncoderFormat.BatchDimension;
        g.Graph.Input.Add(OnnxGraphBuilder.FloatValue(OnnxEncoderFormat.InputName, b, null, 3, s, s));
        g.Graph.Output.Add(OnnxGraphBuilder.FloatValue(OnnxEncoderFormat.FeaturesOutput, b, null, d));
        g.Graph.Output.Add(OnnxGraphBuilder.FloatValue(OnnxEncoderFormat.FinalNormOutput, b, null, d));
        return OnnxModelFile.Create(g.Graph,
            "Masked Siamese Networks ViT encoder: [CLS] features after the last block (features) and after the final " +
            "LayerNorm (features_final_norm).",
            OnnxModelFile.Preprocessing(vit, preprocessing, options.SourceName));
    }

    /// <summary>The official evaluation transform for an encoder of <paramref name="imageSize"/> pixels: ImageNet
    /// mean/std, shorter side resized by 256/224, centre crop.</summary>
    public static EvalTransform DefaultPreprocessing(int imageSize) => EvalTransform.ImageNet(imageSize);
}
