using System.Globalization;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Data.Augmentation;
using MaskedSiamese.Models;
using Onnx;

namespace MaskedSiamese.Onnx;

/// <summary>
/// What every model we export shares: the ONNX model proto around a graph (IR version, opset, producer), the
/// preprocessing in <c>metadata_props</c> and the 2 GiB limit of one protobuf file. The encoder and the classifier
/// export differ only in their graphs and extra metadata.
/// </summary>
internal static class OnnxModelFile
{
    // A protobuf message cannot exceed 2 GiB; larger encoders would need ONNX external data, not written here.
    private const long MaxInitializerBytes = int.MaxValue - (64L << 20);

    /// <summary>Refuses a graph whose weights one protobuf file cannot hold.</summary>
    /// <exception cref="CheckpointFormatException">Over the limit.</exception>
    public static void CheckSize(OnnxGraphBuilder g)
    {
        if (g.InitializerBytes > MaxInitializerBytes)
            throw new CheckpointFormatException(
                $"the encoder's {g.InitializerBytes / (1 << 20)} MiB of weights exceed what one ONNX protobuf " +
                $"file holds (2 GiB)");
    }

    /// <summary>Refuses a preprocessing whose crop is not the encoder's input size.</summary>
    public static void CheckPreprocessing(EvalTransform preprocessing, VitOptions vit, string parameter)
    {
        if (preprocessing.CropSize != vit.ImageSize)
            throw new ArgumentException($"the preprocessing crops {preprocessing.CropSize} pixels, the encoder takes " +
                $"{vit.ImageSize}", parameter);
    }

    /// <summary>The model proto of <paramref name="graph"/> with <paramref name="metadata"/> as its
    /// metadata_props.</summary>
    public static ModelProto Create(GraphProto graph, string docString,
        IEnumerable<(string Key, string Value)> metadata)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("ONNX raw tensor data is little-endian");
        var model = new ModelProto
        {
            IrVersion = OnnxEncoderFormat.IrVersion,
            ProducerName = "MaskedSiamese",
            ProducerVersion = typeof(OnnxModelFile).Assembly.GetName().Version?.ToString() ?? "0",
            Domain = "maskedsiamese",
            DocString = docString,
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxEncoderFormat.Opset });
        foreach (var (key, value) in metadata)
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    /// <summary>The metadata every export carries: input size, preprocessing, architecture and source.</summary>
    public static IEnumerable<(string, string)> Preprocessing(VitOptions vit, EvalTransform p, string? source)
    {
        static string List(IReadOnlyList<float> v) =>
            string.Join(",", v.Select(x => x.ToString("R", CultureInfo.InvariantCulture)));
        yield return (OnnxEncoderFormat.ImageSizeKey, vit.ImageSize.ToString(CultureInfo.InvariantCulture));
        yield return (OnnxEncoderFormat.ResizeToKey, p.ResizeTo.ToString(CultureInfo.InvariantCulture));
        yield return (OnnxEncoderFormat.MeanKey, List(p.Mean));
        yield return (OnnxEncoderFormat.StdKey, List(p.Std));
        yield return (OnnxEncoderFormat.InputLayoutKey,
            "NCHW float32, RGB; pixel/255, shorter side resized to resize_to, centre crop image_size, then (x - " +
            "mean) / std per channel");
        yield return (OnnxEncoderFormat.ArchitectureKey, new EncoderArchitecture(vit, null, null).ToJson());
        if (source is not null) yield return (OnnxEncoderFormat.SourceKey, source);
    }
}
