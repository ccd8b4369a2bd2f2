using MaskedSiamese.Evaluation;
using MaskedSiamese.Onnx;
using MaskedSiamese.Tests.Evaluation;
using Microsoft.ML;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.Onnx;

/// <summary>The exported encoder runs inside an ML.NET pipeline (<c>ApplyOnnxModel</c>) and gives our
/// features.</summary>
public sealed class OnnxMlNetTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-onnx-mlnet-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void Apply_onnx_model_pipeline_gives_our_features()
    {
        using var encoder = OnnxParity.Perturbed(TinySetup.Encoder(seed: 5), seed: 6);
        encoder.eval();
        string path = Path.Combine(_dir, "tiny.onnx");
        File.WriteAllBytes(path, OnnxEncoderExport.ToBytes(encoder));
        const int count = 4;
        using var scope = NewDisposeScope();
        var images = OnnxParity.Images(count, 16, seed: 11);
        Assert.Equal(OnnxImageRow.Length, (int)(images.numel() / count));
        var rows = Enumerable.Range(0, count)
            .Select(i => new OnnxImageRow { Images = images[i].contiguous().data<float>().ToArray() }).ToList();

        var ml = new MLContext(seed: 0);
        var data = ml.Data.LoadFromEnumerable(rows);
        // ML.NET feeds one row at a time: the symbolic batch dimension is pinned to 1 for it.
        var pipeline = ml.Transforms.ApplyOnnxModel(
            outputColumnNames: [OnnxEncoderFormat.FeaturesOutput], inputColumnNames: [OnnxEncoderFormat.InputName],
            modelFile: path,
            shapeDictionary: new Dictionary<string, int[]> { [OnnxEncoderFormat.InputName] = [1, 3, 16, 16] },
            gpuDeviceId: null, fallbackToCpu: true);
        using var model = pipeline.Fit(data);
        var transformed = model.Transform(data);
        var features = ml.Data.CreateEnumerable<OnnxFeatureRow>(transformed, reuseRowObject: false).ToList();

        Assert.Equal(count, features.Count);
        using var _ = torch.no_grad();
        var ours = encoder.ForwardBlocks(images, 1);
        OnnxParity.Compare(ours, features.SelectMany(f => f.Features).ToArray(),
            "ML.NET ApplyOnnxModel features, 4 images", output);
    }

    [Fact]
    public void Apply_onnx_model_pipeline_gives_the_classifiers_probabilities()
    {
        using var classifier = TinySetup.FitClassifier(_dir, FeatureChoice.LastBlock);
        string path = Path.Combine(_dir, "classifier.onnx");
        OnnxClassifierExport.Write(classifier, path);
        const int count = 3;
        using var scope = NewDisposeScope();
        var images = OnnxParity.Images(count, 16, seed: 12);
        var rows = Enumerable.Range(0, count)
            .Select(i => new OnnxImageRow { Images = images[i].contiguous().data<float>().ToArray() }).ToList();

        var ml = new MLContext(seed: 0);
        var data = ml.Data.LoadFromEnumerable(rows);
        var pipeline = ml.Transforms.ApplyOnnxModel(
            outputColumnNames: [OnnxClassifierFormat.ProbabilitiesOutput],
            inputColumnNames: [OnnxEncoderFormat.InputName], modelFile: path,
            shapeDictionary: new Dictionary<string, int[]> { [OnnxEncoderFormat.InputName] = [1, 3, 16, 16] },
            gpuDeviceId: null, fallbackToCpu: true);
        using var model = pipeline.Fit(data);
        var predicted = ml.Data.CreateEnumerable<OnnxProbabilityRow>(model.Transform(data), reuseRowObject: false)
            .ToList();

        Assert.Equal(count, predicted.Count);
        using var _ = torch.no_grad();
        using var features = classifier.Features.Forward(classifier.EncoderModel, images);
        var ours = torch.tensor(classifier.Probabilities(features)).reshape(count, classifier.ClassNames.Count);
        OnnxParity.Compare(ours, predicted.SelectMany(p => p.Probabilities).ToArray(),
            "ML.NET ApplyOnnxModel probabilities, 3 images", output);
    }
}
