using MaskedSiamese.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Loss;

/// <summary>
/// The MSN objective (msn-spec §2.2): cross-entropy between the anchors' prototype probabilities and the sharpened
/// (optionally Sinkhorn-balanced) targets of the unmasked view, plus ME-MAX and the (normally unweighted) anchor
/// entropy. Stateless apart from its options; every tensor it makes lives on the inputs' device. With several
/// processes, Sinkhorn's sums and ME-MAX's mean probabilities are all-reduced through the collective, as officially.
/// </summary>
/// <param name="options">The loss settings.</param>
/// <param name="collective">The processes sharing the batch (null: this one only).</param>
public sealed class MsnLoss(MsnLossOptions options, ICollective? collective = null)
{
    /// <summary>The loss settings.</summary>
    public MsnLossOptions Options { get; } = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>The processes sharing the batch.</summary>
    public ICollective Collective { get; } = collective ?? SingleProcessCollective.Instance;

    /// <summary>
    /// Evaluates the loss.
    /// </summary>
    /// <param name="anchors">
    /// Anchor embeddings [M·B, d] in view-major order: the masked view of all B images, then focal view 1 of all
    /// images, and so on.
    /// </param>
    /// <param name="targetViews">Target-encoder embeddings [B, d]; used under no_grad.</param>
    /// <param name="prototypes">Prototypes [K, d] (a trainable leaf).</param>
    /// <param name="sharpenTemperature">This step's T from the sharpen schedule;
    /// <see cref="MsnLossOptions.SharpenTemperature"/> when null.</param>
    /// <param name="protoLabels">[K, K] prototype labels; built from <see cref="MsnLossOptions.LabelSmoothing"/> when
    /// null.</param>
    public MsnLossResult Compute(Tensor anchors, Tensor targetViews, Tensor prototypes,
        double? sharpenTemperature = null, Tensor? protoLabels = null)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        ArgumentNullException.ThrowIfNull(targetViews);
        ArgumentNullException.ThrowIfNull(prototypes);
        long batch = targetViews.shape[0];
        if (batch == 0 || anchors.shape[0] % batch != 0)
            throw new ArgumentException(
                $"anchors has {anchors.shape[0]} rows, not a multiple of the {batch} target rows", nameof(anchors));
        int views = checked((int)(anchors.shape[0] / batch));

        using var scope = NewDisposeScope();
        var labels = protoLabels ?? ProtoLabels.Create(prototypes.shape[0], Options.LabelSmoothing,
            prototypes.device, prototypes.dtype);

        var probs = LossTerms.PrototypeProbabilities(anchors, prototypes, labels, Options.Temperature);

        Tensor targets;
        TargetDiagnostics diagnostics;
        using (no_grad())
        {
            var t = LossTerms.Sharpen(
                LossTerms.PrototypeProbabilities(targetViews, prototypes, labels, Options.Temperature),
                sharpenTemperature ?? Options.SharpenTemperature);
            if (Options.UseSinkhorn) t = SinkhornKnopp.Normalize(t, Options.SinkhornIterations, Collective);
            diagnostics = TargetDiagnostics.Of(t);
            // Tiled, not interleaved, to line up with the view-major anchors.
            targets = views == 1 ? t : cat(Enumerable.Repeat(t, views).ToArray(), 0);
        }

        var ce = LossTerms.CrossEntropy(probs, targets);
        var memax = LossTerms.MeMax(probs, Collective);
        Tensor entropy;
        if (Options.EntropyWeight != 0.0)
        {
            entropy = LossTerms.MeanEntropy(probs);
        }
        else
        {
            using (no_grad()) entropy = LossTerms.MeanEntropy(probs);
        }

        // Weight, then add, as msn_train.py writes it (an add with alpha could round differently).
        using var memaxWeight = Options.MeMaxWeight.ToScalar();
        var loss = ce.add(memax.mul(memaxWeight), KeptScalars.One);
        if (Options.EntropyWeight != 0.0)
        {
            using var entWeight = Options.EntropyWeight.ToScalar();
            loss = loss.add(entropy.mul(entWeight), KeptScalars.One);
        }

        return new MsnLossResult(loss.MoveToOuterDisposeScope(), ToDouble(ce), ToDouble(memax), ToDouble(entropy),
            diagnostics, targets.MoveToOuterDisposeScope());
    }

    private static double ToDouble(Tensor scalar)
    {
        using var host = scalar.detach().cpu();
        return host.to_type(ScalarType.Float64).item<double>();
    }
}
