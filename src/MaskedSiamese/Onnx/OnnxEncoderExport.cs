using System.Globalization;
using Google.Protobuf;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Configuration;
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
    // A protobuf message cannot exceed 2 GiB; larger encoders would need ONNX external data, not written here.
    private const long MaxInitializerBytes = int.MaxValue - (64L << 20);

    /// <summary>The target encoder (or, without one, the online encoder) of <paramref name="checkpoint"/> as ONNX,
    /// written to <paramref name="path"/> atomically.</summary>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="CheckpointFormatException">The checkpoint's encoder is missing, malformed or too large.</exception>
    public static long Write(MsnCheckpoint checkpoint, string path, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var encoder = checkpoint.CreateTargetEncoder();   // checks every key, shape and value of the weights
        byte[] bytes = ToBytes(encoder, options);
        AtomicFile.Write(path, s => s.Write(bytes));
        return bytes.Length;
    }

    /// <summary>The serialised ONNX model of <paramref name="encoder"/>'s trunk (the projection head is not exported).</summary>
    public static byte[] ToBytes(VisionTransformer encoder, OnnxExportOptions? options = null) =>
        Build(encoder, options).ToByteArray();

    /// <summary>The ONNX model proto (OnnxSharp's generated class) of <paramref name="encoder"/>'s trunk.</summary>
    internal static ModelProto Build(VisionTransformer encoder, OnnxExportOptions? options)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw tensor data is little-endian");
        options ??= new OnnxExportOptions();
        var vit = encoder.Options;
        var preprocessing = options.Preprocessing ?? DefaultPreprocessing(vit.ImageSize);
        if (preprocessing.CropSize != vit.ImageSize)
            throw new ArgumentException($"the preprocessing crops {preprocessing.CropSize} pixels, the encoder takes {vit.ImageSize}", nameof(options));
        var g = new OnnxGraphBuilder("msn_vit_encoder");
        VitGraphWriter.Write(g, encoder);
        if (g.InitializerBytes > MaxInitializerBytes)
            throw new CheckpointFormatException(
                $"the encoder's {g.InitializerBytes / (1 << 20)} MiB of weights exceed what one ONNX protobuf file holds (2 GiB)");
        long s = vit.ImageSize, d = vit.EmbedDim;
        string b = OnnxEncoderFormat.BatchDimension;
        g.Graph.Input.Add(OnnxGraphBuilder.FloatValue(OnnxEncoderFormat.InputName, b, null, 3, s, s));
        g.Graph.Output.Add(OnnxGraphBuilder.FloatValue(OnnxEncoderFormat.FeaturesOutput, b, null, d));
        g.Graph.Output.Add(OnnxGraphBuilder.FloatValue(OnnxEncoderFormat.FinalNormOutput, b, null, d));
        var model = new ModelProto
        {
            IrVersion = OnnxEncoderFormat.IrVersion,
            ProducerName = "MaskedSiamese",
            ProducerVersion = typeof(OnnxEncoderExport).Assembly.GetName().Version?.ToString() ?? "0",
            Domain = "maskedsiamese",
            DocString = "Masked Siamese Networks ViT encoder: [CLS] features after the last block (features) and after the final LayerNorm (features_final_norm).",
            Graph = g.Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxEncoderFormat.Opset });
        foreach (var (key, value) in Metadata(encoder, preprocessing, options.SourceName))
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    /// <summary>The official evaluation transform for an encoder of <paramref name="imageSize"/> pixels: ImageNet
    /// mean/std, shorter side resized by 256/224, centre crop.</summary>
    public static EvalOptions DefaultPreprocessing(int imageSize) => CheckpointEvalTransform.ImageNet(imageSize);

    private static IEnumerable<(string, string)> Metadata(VisionTransformer encoder, EvalOptions p, string? source)
    {
        static string List(IReadOnlyList<float> v) => string.Join(",", v.Select(x => x.ToString("R", CultureInfo.InvariantCulture)));
        var arch = new EncoderArchitecture(encoder.Options, null, null);
        yield return (OnnxEncoderFormat.ImageSizeKey, encoder.Options.ImageSize.ToString(CultureInfo.InvariantCulture));
        yield return (OnnxEncoderFormat.ResizeToKey, p.ResizeTo.ToString(CultureInfo.InvariantCulture));
        yield return (OnnxEncoderFormat.MeanKey, List(p.Mean));
        yield return (OnnxEncoderFormat.StdKey, List(p.Std));
        yield return (OnnxEncoderFormat.InputLayoutKey,
            "NCHW float32, RGB; pixel/255, shorter side resized to resize_to, centre crop image_size, then (x - mean) / std per channel");
        yield return (OnnxEncoderFormat.ArchitectureKey, arch.ToJson());
        if (source is not null) yield return (OnnxEncoderFormat.SourceKey, source);
    }
}
