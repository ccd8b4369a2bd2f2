using MaskedSiamese.Data;
using MaskedSiamese.Evaluation;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.Evaluation;

/// <summary>Fashion-MNIST raw pixels (pixels/255, 784-d), train and test, loaded once for a test class.</summary>
public sealed class FashionMnistFeatures : IDisposable
{
    public FashionMnistFeatures()
    {
        var train = FashionMnist.Load(train: true);
        var test = FashionMnist.Load(train: false);
        TrainPixels = FeaturePreprocessing.PixelFeatures(train.Pixels, train.Count);
        TestPixels = FeaturePreprocessing.PixelFeatures(test.Pixels, test.Count);
        TrainLabels = train.Labels.Select(b => (int)b).ToArray();
        TestLabels = test.Labels.Select(b => (int)b).ToArray();
    }

    public Tensor TrainPixels { get; }

    public Tensor TestPixels { get; }

    public int[] TrainLabels { get; }

    public int[] TestLabels { get; }

    public void Dispose()
    {
        TrainPixels.Dispose();
        TestPixels.Dispose();
    }
}
