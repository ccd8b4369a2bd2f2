using System.Globalization;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Engine;
using MaskedSiamese.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.Models;

/// <summary>The official encoder outputs, computed with bf16 products, stay within the derived bf16 tolerance
/// (<see cref="Bf16Tolerance.Forward"/>: 4·u·√M relative to the largest reference value after M
/// products).</summary>
public sealed class Bf16ForwardParityTests(ITestOutputHelper output)
{
    public static TheoryData<string> Sets() => OfficialFixtures.Sets("_forward.safetensors");

    [Theory]
    [MemberData(nameof(Sets))]
    public void Bf16_encoder_reproduces_every_official_output_within_the_derived_tolerance(string set)
    {
        using var scope = NewDisposeScope();
        var fixture = SafetensorsFile.Read(OfficialFixtures.PathOf(set));
        using var checkpoint = OfficialCheckpointImporter.Import(OfficialFixtures.Sibling(set, "_release.pth.tar"),
            numHeads: int.Parse(fixture.Metadata["num_heads"], CultureInfo.InvariantCulture));
        using var model = checkpoint.CreateTargetEncoder();
        int depth = model.Options.Depth, trunk = 1 + 6 * depth, withHead = trunk + 3;
        var images = fixture["images"];
        using (torch.no_grad())
        {
            double conditioning = BatchNormConditioning(model, images);
            model.Precision = Precision.Bf16;
            model.eval();
            Check(fixture["cls_last_block"], model.ForwardBlocks(images, 1), trunk, "cls_last_block");
            Check(fixture["cls_last_2_blocks"], model.ForwardBlocks(images, 2), trunk, "cls_last_2_blocks");
            Check(fixture["z_eval"], model.call(images), withHead, "z_eval");
            Check(fixture["z_focal_eval"], model.call(fixture["focal_images"]), withHead, "z_focal_eval");
            Check(fixture["z_masked_eval"], model.Encode(images, fixture["mask_keep_index"]), withHead,
                "z_masked_eval");
            model.train();
            // Train mode: the fixture's batch of 4 makes the head's BatchNorms amplify any input error by the
            // conditioning factor (~25 here), and 4·u·√16·25 > 1 bounds nothing. So z_train is measured and
            // reported, held only to be finite; train-mode BatchNorm in bf16 is held by the one-step parity test,
            // whose batches are 8 and 24 (Bf16TrainStepParityTests).
            var zTrain = model.call(images);
            Assert.True(zTrain.isfinite().all().item<bool>());
            Report(fixture["z_train"], zTrain, withHead, "z_train", conditioning);
        }
    }

    /// <summary>
    /// How much the head's two train-mode BatchNorms amplify a relative error of their inputs: a BatchNorm
    /// subtracts the batch mean and divides by the batch deviation, so an input error of ε·|x| becomes ε·|x|/σ;
    /// the factor is rms(x)/σ(x) over the batch, per feature; the next product sums the features' errors in
    /// quadrature, so its root mean square over the features counts, multiplied over the two layers. With the fixture's
    /// batch of 4 a feature whose 4 values nearly agree makes it large; eval mode divides by the running statistics
    /// instead, and the step's batches are larger.
    /// </summary>
    private static double BatchNormConditioning(MaskedSiamese.Models.VisionTransformer model, Tensor images)
    {
        var sd = model.state_dict();
        using var eps = 1e-5.ToScalar();
        double Factor(Tensor a) =>
            (a.square().mean([0]) / a.var(0, unbiased: false).add(eps, KeptScalars.One)).mean().sqrt().item<float>();
        Tensor Normalised(Tensor a, Tensor w, Tensor b) =>
            nn.functional.gelu(((a - a.mean([0])) / a.var(0, unbiased: false).add(eps, KeptScalars.One).sqrt() * w)
                .add(b, KeptScalars.One));
        var a1 = nn.functional.linear(model.ForwardFeatures(images), sd["fc.fc1.weight"], sd["fc.fc1.bias"]);
        var a2 = nn.functional.linear(Normalised(a1, sd["fc.bn1.weight"], sd["fc.bn1.bias"]), sd["fc.fc2.weight"],
            sd["fc.fc2.bias"]);
        return Factor(a1) * Factor(a2);
    }

    private void Check(Tensor expected, Tensor actual, int products, string what)
    {
        var (rel, tol) = Report(expected, actual, products, what, 1);
        Assert.True(rel <= tol, $"{what}: {rel:E2} > {tol:E2}");
        // And bf16 did run: float32 lands within 1e-5 of these (ForwardParityTests).
        Assert.True(rel > 1e-5, $"{what}: equals the float32 output: were the products cast?");
    }

    private (double Relative, double Tolerance) Report(Tensor expected, Tensor actual, int products, string what,
        double conditioning)
    {
        Assert.Equal(ScalarType.Float32, actual.dtype);   // the stream returns to float32 after every product
        using var e = expected.to_type(ScalarType.Float64);
        using var a = actual.to_type(ScalarType.Float64);
        double rel = (a - e).abs().max().item<double>() / e.abs().max().item<double>();
        double tol = Bf16Tolerance.Forward(products) * conditioning;
        output.WriteLine($"{what}: max|diff|/max|ref| = {rel:E2} (derived tolerance {tol:E2}, {products} products, " +
                         $"BatchNorm amplification {conditioning:F1})");
        return (rel, tol);
    }
}
