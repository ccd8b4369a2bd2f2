using MaskedSiamese.Engine;
using MaskedSiamese.Loss;
using MaskedSiamese.Models.Layers;
using MaskedSiamese.Optimization;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Training;

/// <summary>
/// One MSN training step as the official one (<c>msn_train.py</c>): target forward without gradients, anchor forward
/// (masked view, then the focal views; one BatchNorm group per resolution), loss, backward, gradient synchronisation
/// over the processes, gradient clipping over the encoder only, AdamW, then the EMA update of the target encoder.
/// </summary>
/// <param name="networks">Encoder, target encoder and prototypes.</param>
/// <param name="optimizer">AdamW over the encoder and the prototypes.</param>
/// <param name="loss">The objective.</param>
/// <param name="context">Device, precision and collective.</param>
public sealed class MsnStep(MsnNetworks networks, AdamW optimizer, MsnLoss loss, StepContext context)
{
    // The step's context decides the precision of the networks it drives (the encoders default to float32).
    private readonly MsnNetworks _networks = (networks ?? throw new ArgumentNullException(nameof(networks)))
        .UsePrecision((context ?? throw new ArgumentNullException(nameof(context))).Precision);
    private readonly AdamW _optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
    private readonly MsnLoss _loss = loss ?? throw new ArgumentNullException(nameof(loss));
    private readonly StepContext _context = context ?? throw new ArgumentNullException(nameof(context));

    /// <summary>Runs the step and returns its metrics. A NaN or infinite loss returns at once with that loss and
    /// nothing updated. With a <paramref name="profile"/>, each phase is timed (reading the loss synchronises, so the
    /// phases add up to the step).</summary>
    public StepMetrics Run(StepInputs inputs, StepSettings settings, long step = 0, int epoch = 0,
        StepProfile? profile = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(settings);
        using var scope = NewDisposeScope();
        _optimizer.ZeroGrad();
        _networks.Encoder.train();
        _networks.TargetEncoder.train();   // the official target keeps batch-statistics BatchNorm

        // ============ forward: targets, then anchors (view-major) ============
        // The official code runs the anchors first; the two passes share nothing (no random draw, separate
        // BatchNorms), so the result is the same, and running the no-grad target pass before the anchors' autograd
        // graph exists keeps its temporaries out of the step's peak memory (~80 MB on fmnist_msn_small).
        Tensor targets;
        profile?.Begin("target_forward");
        using (torch.no_grad()) targets = _networks.TargetEncoder.call(inputs.Target);
        profile?.Begin("anchor_forward");
        var anchors = _networks.Encoder.ForwardViews([inputs.Anchor, .. inputs.Focal], inputs.KeepIndex);

        // ============ loss ============
        profile?.Begin("loss");
        using var result = _loss.Compute(anchors, targets, _networks.Prototypes, settings.SharpenTemperature);
        double total = result.Loss.detach().cpu().to_type(ScalarType.Float64).item<double>();
        var d = result.Diagnostics;
        StepMetrics Metrics(double gradNorm) => new(step, epoch, total, result.CrossEntropy, result.MeMax,
            result.Entropy, d.DistinctArgmax, d.MeanRowMax, d.MeanRowMin, settings.LearningRate, settings.WeightDecay,
            settings.Momentum, gradNorm);
        // Skipped on every rank together: backward holds collectives (gradient sync, SyncBN) the others would wait in.
        if (_context.Collective.AnyRank(!double.IsFinite(total)))
        {
            profile?.StepDone();
            // A rank whose own loss is finite reports NaN, so that the loop stops on every rank.
            return Metrics(double.NaN) with { Loss = double.IsFinite(total) ? double.NaN : total };
        }

        // ============ backward, synchronise, clip (encoder only), AdamW, EMA ============
        profile?.Begin("backward");
        result.Loss.backward();
        MlpBranchFunction.ReleaseReturnedGradients();
        // DDP averages the encoder's gradients; the official code sums the prototypes' (msn-spec §1.4).
        CollectiveGradients.Average(_context.Collective, _networks.Encoder.parameters());
        CollectiveGradients.Sum(_context.Collective, [_networks.Prototypes]);
        profile?.Begin("clip");
        double gradNorm = GradientClipping.ClipByGlobalNorm(_networks.Encoder.parameters(), settings.ClipGrad);
        foreach (var g in _optimizer.Groups)
        {
            g.LearningRate = settings.LearningRate;
            g.WeightDecay = g.DecayScheduled ? settings.WeightDecay : 0;
        }
        profile?.Begin("adamw");
        _optimizer.Step();
        profile?.Begin("ema");
        ExponentialMovingAverage.Update(_networks.TargetEncoder, _networks.Encoder, settings.Momentum);
        profile?.StepDone();
        return Metrics(gradNorm);
    }
}
