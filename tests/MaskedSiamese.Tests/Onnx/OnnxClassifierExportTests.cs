using System.Text.Json;
using MaskedSiamese.Classification;
using MaskedSiamese.Evaluation;
using MaskedSiamese.Onnx;
using MaskedSiamese.Tests.Evaluation;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.Onnx;

/// <summary>An exported classifier, loaded by ONNX Runtime with every graph optimisation, gives the probabilities and
/// logits of <see cref="FewShotClassifier.Probabilities"/> for each feature choice, and carries its class
/// names.</summary>
public sealed class OnnxClassifierExportTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-onnx-classifier-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Theory]
    [InlineData("last-block")]
    [InlineData("blocks:2")]
    [InlineData("final-norm")]
    public void Onnx_runtime_gives_the_classifiers_probabilities(string features)
    {
        using var classifier = TinySetup.FitClassifier(_dir, FeatureChoice.Parse(features));
        OnnxParity.Perturbed(classifier.EncoderModel, seed: 21);   // non-trivial norms and biases in every block
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        using var session = new InferenceSession(OnnxClassifierExport.ToBytes(classifier), options);

        var meta = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal(["c0", "c1", "c2"],
            JsonSerializer.Deserialize<string[]>(meta[OnnxClassifierFormat.ClassNamesKey])!);
        Assert.Equal(features, meta[OnnxClassifierFormat.FeaturesKey]);
        foreach (int batch in new[] { 1, 3 })
        {
            using var scope = NewDisposeScope();
            using var _ = torch.no_grad();
            var images = OnnxParity.Images(batch, 16, seed: 30 + batch);
            using var encoderFeatures = classifier.Features.Forward(classifier.EncoderModel, images);
            var ours = torch.tensor(classifier.Probabilities(encoderFeatures)).reshape(batch, 3);
            var (probabilities, logits) = Run(session, images, batch);
            OnnxParity.Compare(ours, probabilities, $"{features} probabilities, batch {batch}", output);
            using var x = FeaturePreprocessing.CenterAndNormalize(encoderFeatures.to(float64));
            OnnxParity.Compare(classifier.Head.Logits(x), logits, $"{features} logits, batch {batch}", output);
            for (int i = 0; i < batch; i++) Assert.Equal(1.0, probabilities.Skip(3 * i).Take(3).Sum(), 5);
        }
    }

    private static (float[] Probabilities, float[] Logits) Run(InferenceSession session, Tensor images, int batch)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(images.contiguous().data<float>().ToArray(),
            [batch, 3, 16, 16]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [OnnxEncoderFormat.InputName], [input],
            [OnnxClassifierFormat.ProbabilitiesOutput, OnnxClassifierFormat.LogitsOutput]);
        return (results[0].GetTensorDataAsSpan<float>().ToArray(), results[1].GetTensorDataAsSpan<float>().ToArray());
    }
}
