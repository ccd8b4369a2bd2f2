using System.Globalization;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Engine;
using MaskedSiamese.Loss;
using MaskedSiamese.Tests.Support;
using MaskedSiamese.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.Training;

/// <summary>
/// The official one-step fixture run in bf16 (the encoder's and head's products in bfloat16, everything else float32)
/// stays within the tolerances derived in <see cref="Bf16Tolerance"/>: loss, gradient norm, and every parameter after
/// the step within what AdamW can move it.
/// </summary>
public sealed class Bf16TrainStepParityTests(ITestOutputHelper output)
{
    public static TheoryData<string> Sets() => OfficialFixtures.Sets("_train_step.safetensors");

    [Theory]
    [MemberData(nameof(Sets))]
    public void One_bf16_step_from_the_official_checkpoint_stays_within_the_derived_bf16_tolerance(string set)
    {
        using var scope = NewDisposeScope();
        var fx = SafetensorsFile.Read(OfficialFixtures.PathOf(set));
        double Meta(string k) => double.Parse(fx.Metadata[k], CultureInfo.InvariantCulture);
        using var checkpoint = OfficialCheckpointImporter.Import(
            OfficialFixtures.Sibling(set, "_training.pth.tar"), numHeads: (int)Meta("num_heads"));
        using var nets = MsnNetworks.FromCheckpoint(checkpoint, CPU);
        using var opt = nets.CreateOptimizer();
        opt.LoadStateDict(checkpoint.Optimizer!);
        double temperature = Meta("temperature"), sharpen = Meta("sharpen_T"), lr = Meta("lr");
        var loss = new MsnLoss(new MsnLossOptions
        {
            Temperature = temperature,
            UseSinkhorn = bool.Parse(fx.Metadata["use_sinkhorn"]),
            MeMaxWeight = Meta("memax_weight"),
            LabelSmoothing = Meta("label_smoothing"),
        });
        int focalViews = (int)Meta("focal_views");
        var inputs = new StepInputs(fx["view_target"], fx["view_anchor"],
            Enumerable.Range(0, focalViews).Select(i => fx[$"view_focal_{i}"]).ToList(), fx["mask_keep_index"]);
        var context = StepContext.Cpu with { Precision = Precision.Bf16 };
        var metrics = new MsnStep(nets, opt, loss, context).Run(inputs,
            new StepSettings(lr, Meta("weight_decay"), Meta("momentum"), sharpen, Meta("clip_grad")));

        int products = ProductsInSeries(nets), dim = nets.Architecture.Head!.OutputDim;
        int rows = (int)(fx["view_target"].shape[0] * (1 + focalViews));
        double lossTol = Bf16Tolerance.Loss(products, dim, temperature, sharpen, rows);
        double normTol = Bf16Tolerance.GradientNorm(products, dim, temperature, sharpen, rows);
        double lossErr = Math.Abs(metrics.Loss - Meta("loss"));
        double normErr = Math.Abs(metrics.GradNorm / Meta("grad_norm_before_clip") - 1);
        var (worst, worstKey, rms) = ParameterDifferences(fx, nets);
        output.WriteLine($"bf16 step, {products} products in series: |Δloss| {lossErr:E2} (derived tolerance " +
                         $"{lossTol:E2}); grad norm rel {normErr:E2} (tolerance {normTol:E2}); parameters: worst " +
                         $"{worst:E2} in {worstKey} (allowed 2·lr = {2 * lr:E1}), rms {rms:E2}");
        Assert.True(lossErr <= lossTol, $"loss {metrics.Loss} vs {Meta("loss")}: {lossErr:E2} > {lossTol:E2}");
        Assert.True(normErr <= normTol, $"grad norm {metrics.GradNorm} vs {Meta("grad_norm_before_clip")}: " +
            $"{normErr:E2} > {normTol:E2}");
        // AdamW moves an element by at most ~lr per step whatever its gradient: two runs differ by at most 2·lr.
        Assert.True(worst <= 2 * lr, $"{worstKey} differs by {worst:E2} > 2·lr");
        // bf16 did run: a float32 step lands within 1.5e-5 of every one of these (TrainStepParityTests).
        Assert.True(worst > 1e-5, "the bf16 step equals the float32 one: were the products cast?");
    }

    /// <summary>Products from the image to the head's output: patch embedding, six per block (qkv, q·kᵀ,
    /// attention·v, projection, fc1, fc2), the head's three.</summary>
    internal static int ProductsInSeries(MsnNetworks nets) => 1 + 6 * nets.Architecture.Vit.Depth + 3;

    private static (double Worst, string Key, double Rms) ParameterDifferences(SafetensorsFile fx, MsnNetworks nets)
    {
        var ours = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (k, v) in nets.Encoder.state_dict()) ours["encoder." + k] = v;
        foreach (var (k, v) in nets.TargetEncoder.state_dict()) ours["target_encoder." + k] = v;
        ours["prototypes"] = nets.Prototypes;
        double worst = 0, squares = 0;
        long count = 0;
        string worstKey = "";
        foreach (var name in fx.Names.Where(ours.ContainsKey))
        {
            var expected = fx[name];
            if (!expected.is_floating_point()) continue;
            var diff = (ours[name].detach().to_type(ScalarType.Float64) - expected.to_type(ScalarType.Float64)).abs();
            double max = diff.max().item<double>();
            squares += diff.square().sum().item<double>();
            count += diff.numel();
            if (max > worst) (worst, worstKey) = (max, name);
        }
        Assert.True(count > 0);
        return (worst, worstKey, Math.Sqrt(squares / count));
    }
}
