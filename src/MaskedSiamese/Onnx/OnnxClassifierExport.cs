using System.Text.Json;
using Google.Protobuf;
using MaskedSiamese.Classification;
using MaskedSiamese.IO;
using Onnx;
using static MaskedSiamese.Onnx.OnnxGraphBuilder;

namespace MaskedSiamese.Onnx;

/// <summary>
/// Writes a <see cref="FewShotClassifier"/> as one self-contained ONNX model: normalised images in
/// (<see cref="OnnxEncoderFormat.InputName"/>), class probabilities out
/// (<see cref="OnnxClassifierFormat.ProbabilitiesOutput"/>). The graph is the encoder's
/// (<see cref="OnnxEncoderExport"/>), then the classifier's own feature choice, the per-sample centring and L2
/// normalisation of the low-shot protocol, the head's MatMul and a softmax; the class names, feature choice,
/// preprocessing and fit report travel in the metadata.
/// </summary>
public static class OnnxClassifierExport
{
    /// <summary>Writes <paramref name="classifier"/> to <paramref name="path"/> atomically.</summary>
    /// <param name="classifier">The classifier (e.g. from <see cref="FewShotClassifier.Load"/>).</param>
    /// <param name="path">The ONNX file to write.</param>
    /// <param name="sourceName">The file it came from (metadata <c>source</c>), or null.</param>
    /// <returns>The number of bytes written.</returns>
    public static long Write(FewShotClassifier classifier, string path, string? sourceName = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        byte[] bytes = ToBytes(classifier, sourceName);
        AtomicFile.Write(path, s => s.Write(bytes));
        return bytes.Length;
    }

    /// <summary>The serialised ONNX model of <paramref name="classifier"/>.</summary>
    public static byte[] ToBytes(FewShotClassifier classifier, string? sourceName = null) =>
        Build(classifier, sourceName).ToByteArray();

    internal static ModelProto Build(FewShotClassifier classifier, string? sourceName)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        var vit = classifier.Encoder;
        OnnxModelFile.CheckPreprocessing(classifier.Transform, vit, nameof(classifier));
        var g = new OnnxGraphBuilder("msn_vit_classifier");
        var choice = classifier.Features;
        var cls = VitGraphWriter.Write(g, classifier.EncoderModel, choice.FinalNorm ? 1 : choice.Blocks);
        string features = choice.FinalNorm ? OnnxEncoderFormat.FinalNormOutput
            : cls.Count == 1 ? cls[0] : g.Node("Concat", "features_blocks", [.. cls], Int("axis", 1));
        string logits = Head(g, CenterAndNormalize(g, features), classifier.Head.Weights, classifier.Head.Dimension);
        g.NodeWithOutput("Softmax", OnnxClassifierFormat.ProbabilitiesOutput, [logits], Int("axis", 1));
        OnnxModelFile.CheckSize(g);
        long s = vit.ImageSize, c = classifier.ClassNames.Count;
        string b = OnnxEncoderFormat.BatchDimension;
        g.Graph.Input.Add(FloatValue(OnnxEncoderFormat.InputName, b, null, 3, s, s));
        g.Graph.Output.Add(FloatValue(OnnxClassifierFormat.ProbabilitiesOutput, b, null, c));
        g.Graph.Output.Add(FloatValue(OnnxClassifierFormat.LogitsOutput, b, null, c));
        return OnnxModelFile.Create(g.Graph,
            "Masked Siamese Networks ViT classifier: class probabilities (softmax of the logits of the centred, " +
            "L2-normalised encoder features).",
            OnnxModelFile.Preprocessing(vit, classifier.Transform, sourceName).Concat(Metadata(classifier)));
    }

    // FeaturePreprocessing.CenterAndNormalize: x − mean(x), divided by its L2 norm clamped at 1e-12 (constant rows
    // stay 0).
    private static string CenterAndNormalize(OnnxGraphBuilder g, string x)
    {
        // Opset 17 takes the reduction axes as an attribute (opset 18 moved them to an input).
        string mean = g.Node("ReduceMean", "feature_mean", [x], Ints("axes", 1), Int("keepdims", 1));
        string centred = g.Node("Sub", "features_centred", [x, mean]);
        string squares = g.Node("ReduceSumSquare", "feature_sumsq", [centred], Ints("axes", 1), Int("keepdims", 1));
        string norm = g.Node("Max", "feature_norm",
            [g.Node("Sqrt", "feature_l2", [squares]), g.Float("norm_floor", [1e-12f])]);
        return g.Node("Div", "features_normalized", [centred, norm]);
    }

    // Logits xᵀW with the head's float64 weights [D, C] rounded to float32.
    private static string Head(OnnxGraphBuilder g, string x, ReadOnlySpan<double> weights, int dimension)
    {
        var w = new float[weights.Length];
        for (int i = 0; i < w.Length; i++) w[i] = (float)weights[i];
        string wt = g.Float("head.weight", w, dimension, weights.Length / dimension);
        return g.NodeWithOutput("MatMul", OnnxClassifierFormat.LogitsOutput, [x, wt]);
    }

    private static IEnumerable<(string, string)> Metadata(FewShotClassifier c)
    {
        yield return (OnnxClassifierFormat.ClassNamesKey, JsonSerializer.Serialize(c.ClassNames));
        yield return (OnnxClassifierFormat.FeaturesKey, c.Features.ToString());
        yield return (OnnxClassifierFormat.ReportKey, JsonSerializer.Serialize(c.Report));
    }
}
