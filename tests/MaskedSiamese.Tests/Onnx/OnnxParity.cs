using MaskedSiamese.Models;
using MaskedSiamese.Onnx;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.Onnx;

/// <summary>Runs an exported encoder in ONNX Runtime and compares both outputs with our forward on the same
/// images.</summary>
internal static class OnnxParity
{
    /// <summary>The bound: max|ORT − ours| ≤ 1e-4 · max|ours| in float32.</summary>
    public const double Tolerance = 1e-4;

    /// <summary>Seeded images of the encoder's size, [batch, 3, S, S], roughly normalised pixels.</summary>
    public static Tensor Images(int batch, int size, int seed)
    {
        using var generator = new Generator((ulong)seed);
        return torch.randn([batch, 3, size, size], generator: generator);
    }

    /// <summary>Adds seeded noise to every parameter: a fresh ViT has zero biases, unit LayerNorm scales and zero
    /// shifts, which would hide a bias or affine wired to the wrong place in the graph.</summary>
    public static VisionTransformer Perturbed(VisionTransformer encoder, int seed)
    {
        using var generator = new Generator((ulong)seed);
        using var _ = torch.no_grad();
        using var spread = 0.1.ToScalar();
        foreach (var (_, p) in encoder.named_parameters())
            p.add_(torch.randn(p.shape, generator: generator).mul_(spread), KeptScalars.One);
        return encoder;
    }

    /// <summary>Checks both outputs of <paramref name="session"/> against <paramref name="encoder"/> at each batch size
    /// (all from the one loaded file) and returns the largest relative error seen.</summary>
    public static double AssertMatches(VisionTransformer encoder, OnnxEncoderSession session, ITestOutputHelper output,
        string what, params int[] batches)
    {
        encoder.eval();
        double worst = 0;
        foreach (int batch in batches)
        {
            using var scope = NewDisposeScope();
            using var _ = torch.no_grad();
            var images = Images(batch, encoder.Options.ImageSize, seed: 100 + batch);
            float[] flat = images.data<float>().ToArray();
            worst = Math.Max(worst, Compare(encoder.ForwardBlocks(images, 1), session.Run(flat, batch),
                $"{what} features, batch {batch}", output));
            worst = Math.Max(worst, Compare(encoder.ForwardFeatures(images),
                session.Run(flat, batch, OnnxEncoderFormat.FinalNormOutput),
                $"{what} features_final_norm, batch {batch}", output));
        }
        return worst;
    }

    /// <summary>max|ORT − ours| / max|ours| after checking the shape; fails above <see cref="Tolerance"/>.</summary>
    public static double Compare(Tensor ours, float[] ort, string what, ITestOutputHelper output)
    {
        Assert.Equal(ours.numel(), ort.LongLength);
        using var o = ours.to(float64);
        using var t = torch.tensor(ort).reshape(ours.shape).to(float64);
        double maxOurs = o.abs().max().item<double>();
        double rel = (t - o).abs().max().item<double>() / maxOurs;
        output.WriteLine($"{what}: max|ORT - ours| / max|ours| = {rel:E2} (max|ours| {maxOurs:G4})");
        Assert.True(maxOurs > 0, $"{what}: all-zero reference");
        Assert.True(rel <= Tolerance, $"{what}: relative error {rel:E2} > {Tolerance:E0}");
        return rel;
    }
}
