using System.Globalization;
using System.Text.Json;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Loss;
using MaskedSiamese.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.Loss;

/// <summary>Parity of the whole objective with the official <c>losses.py</c> on every <c>*_loss_*</c>
/// fixture.</summary>
public sealed class MsnLossFixtureTests(ITestOutputHelper output)
{
    private const double Rel = 1e-5;

    public static TheoryData<string> LossSets => OfficialFixtures.Sets("_loss_*.safetensors");

    [Theory]
    [MemberData(nameof(LossSets))]
    public void Loss_targets_and_gradients_match_the_official_code(string name)
    {
        using var scope = NewDisposeScope();
        var file = SafetensorsFile.Read(OfficialFixtures.PathOf(name));
        var meta = file.Metadata;
        var options = new MsnLossOptions
        {
            Temperature = Number(meta["temperature"]),
            SharpenTemperature = Number(meta["sharpen_T"]),
            UseSinkhorn = bool.Parse(meta["use_sinkhorn"]),
            MeMaxWeight = Number(meta["memax_weight"]),
            LabelSmoothing = Number(meta["label_smoothing"]),
        };
        var anchors = file["anchor_views"].detach().requires_grad_(true);
        var prototypes = file["prototypes"].detach().requires_grad_(true);
        var protoLabels = file["proto_labels"];
        long views = long.Parse(meta["num_anchor_views"], CultureInfo.InvariantCulture);

        // The fixture's labels are the ones the options would build.
        using (var built = ProtoLabels.Create(prototypes.shape[0], options.LabelSmoothing))
            Assert.True(built.equal(protoLabels).all().item<bool>(), "proto_labels differ from ProtoLabels.Create");

        using var result = new MsnLoss(options).Compute(anchors, file["target_views"], prototypes,
            protoLabels: protoLabels);
        result.Loss.backward();

        Assert.Equal(views * file["target_views"].shape[0], result.Targets.shape[0]);
        Assert.False(result.Targets.requires_grad);
        Report("loss", Number(meta["loss"]), result.Loss.item<float>());
        Report("ce_loss", Number(meta["ce_loss"]), result.CrossEntropy);
        Report("memax_loss", Number(meta["memax_loss"]), result.MeMax);
        Report("entropy", Number(meta["entropy"]), result.Entropy);

        using var logs = JsonDocument.Parse(meta["logs"]);
        Assert.Equal(logs.RootElement.GetProperty("np").GetDouble(), result.Diagnostics.DistinctArgmax);
        Report("max_t", logs.RootElement.GetProperty("max_t").GetDouble(), result.Diagnostics.MeanRowMax);
        output.WriteLine($"min_t: ref {logs.RootElement.GetProperty("min_t").GetDouble():R} " +
            $"ours {result.Diagnostics.MeanRowMin:R}");

        Compare("targets", file["targets"], result.Targets);
        Compare("grad_anchor_views", file["grad_anchor_views"], anchors.grad!);
        Compare("grad_prototypes", file["grad_prototypes"], prototypes.grad!);
    }

    private void Report(string what, double expected, double actual)
    {
        output.WriteLine($"{what}: ref {expected:R} ours {actual:R} rel " +
            $"{Math.Abs(actual - expected) / Math.Abs(expected):E2}");
        TensorAssert.CloseRelative(expected, actual, Rel, what);
    }

    private void Compare(string what, Tensor expected, Tensor actual)
    {
        using var e = expected.to_type(ScalarType.Float64);
        using var a = actual.detach().cpu().to_type(ScalarType.Float64);
        double maxRef = e.abs().max().item<double>();
        double maxDiff = (a - e).abs().max().item<double>();
        output.WriteLine($"{what}: max|diff| {maxDiff:E3} = {maxDiff / maxRef:E2}·max|ref|");
        TensorAssert.CloseRelativeToMax(expected, actual, Rel, what);
    }

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);
}
