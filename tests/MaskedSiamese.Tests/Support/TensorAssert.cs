using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.Support;

/// <summary>Tensor comparisons with tolerances stated in the message.</summary>
public static class TensorAssert
{
    /// <summary>max|actual − expected| ≤ rel · max|expected| (the parity tolerance of the fixtures).</summary>
    public static void CloseRelativeToMax(Tensor expected, Tensor actual, double rel, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var e = expected.to_type(ScalarType.Float64);
        using var a = actual.detach().cpu().to_type(ScalarType.Float64);
        double maxRef = e.abs().max().item<double>();
        double maxDiff = (a - e).abs().max().item<double>();
        Assert.True(maxDiff <= rel * maxRef,
            $"{what}: max|diff| = {maxDiff:E3} > {rel:E1} · max|ref| ({maxRef:E3})");
    }

    /// <summary>max|actual − expected| ≤ <paramref name="atol"/>.</summary>
    public static void Close(Tensor expected, Tensor actual, double atol, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var e = expected.detach().cpu().to_type(ScalarType.Float64);
        using var a = actual.detach().cpu().to_type(ScalarType.Float64);
        double maxDiff = (a - e).abs().max().item<double>();
        Assert.True(maxDiff <= atol, $"{what}: max|diff| = {maxDiff:E3} > {atol:E1}");
    }

    /// <summary>|actual − expected| ≤ rel · |expected|.</summary>
    public static void CloseRelative(double expected, double actual, double rel, string what) =>
        Assert.True(Math.Abs(actual - expected) <= rel * Math.Abs(expected),
            $"{what}: {actual:R} vs {expected:R} (rel diff " +
            $"{Math.Abs(actual - expected) / Math.Abs(expected):E2} > {rel:E1})");
}
