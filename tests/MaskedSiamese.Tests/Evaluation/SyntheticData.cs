using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.Evaluation;

/// <summary>Seeded toy classification problems.</summary>
internal static class SyntheticData
{
    /// <summary>
    /// Gaussian clusters: class c is centred on <paramref name="separation"/>·e_c (plus noise of std 1), so a large
    /// separation makes the classes linearly separable. Returns float32 features [n, dim] and labels.
    /// </summary>
    /// <param name="perClass">Samples of each class.</param>
    /// <param name="classes">Number of classes.</param>
    /// <param name="dim">Feature width.</param>
    /// <param name="separation">Distance of each class centre from the origin along its own axis.</param>
    /// <param name="seed">Seeds the noise.</param>
    /// <param name="dtype">Dtype of the features.</param>
    /// <param name="sharedOffset">Std of one fixed random vector (the same for every seed) added to every sample: like
    /// real encoder features, most of each vector is then common to all classes, and after per-sample normalisation the
    /// class signal is small, so a linear head needs large weights.</param>
    public static (Tensor Features, int[] Labels) Clusters(int perClass, int classes, int dim, double separation,
        int seed, ScalarType dtype = ScalarType.Float32, double sharedOffset = 0)
    {
        var offsetRng = new Random(12345);
        var offset = Enumerable.Range(0, dim).Select(_ => sharedOffset * Gaussian(offsetRng)).ToArray();
        var rng = new Random(seed);
        int n = perClass * classes;
        var x = new double[n * dim];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = i % classes;
            for (int d = 0; d < dim; d++)
                x[i * dim + d] = offset[d] + Gaussian(rng) + (d == y[i] % dim ? separation : 0);
        }
        using var t = torch.tensor(x, [n, dim], ScalarType.Float64);
        return (t.to(dtype), y);
    }

    public static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
