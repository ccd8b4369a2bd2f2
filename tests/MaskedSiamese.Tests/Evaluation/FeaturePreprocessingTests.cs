using MaskedSiamese.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.Evaluation;

public sealed class FeaturePreprocessingTests
{
    [Fact]
    public void Every_row_is_centred_on_its_own_mean_and_has_unit_norm()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new double[] { 1, 2, 3, 6, 10, 0, 0, 0, 4, 4, 4, 4 }, [3, 4]);

        var p = FeaturePreprocessing.CenterAndNormalize(x);

        // Row 0: mean 3 → (-2, -1, 0, 3) / √14.
        var expected0 = new[] { -2, -1, 0, 3 }.Select(v => v / Math.Sqrt(14)).ToArray();
        Assert.Equal(expected0, p[0].data<double>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Equal(0, p[1].sum().item<double>(), 12);
        Assert.Equal(1, p[1].norm().item<double>(), 12);
        // A constant row has nothing left after centring: it stays zero rather than NaN.
        Assert.Equal([0.0, 0, 0, 0], p[2].data<double>().ToArray());
        Assert.Equal(10, x[1, 0].item<double>());
    }

    [Fact]
    public void Pixel_bytes_become_floats_in_the_unit_interval()
    {
        using var t = FeaturePreprocessing.PixelFeatures([0, 255, 51, 102], 2);

        Assert.Equal([2L, 2L], t.shape);
        Assert.Equal(ScalarType.Float32, t.dtype);
        Assert.Equal([0f, 1f, 0.2f, 0.4f], t.data<float>().ToArray());
    }
}
