using MaskedSiamese.Checkpoints;
using MaskedSiamese.Engine;
using MaskedSiamese.IO;
using MaskedSiamese.Models;
using MaskedSiamese.Optimization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using AdamW = MaskedSiamese.Optimization.AdamW;

namespace MaskedSiamese.Training;

/// <summary>
/// The three trained things of MSN: the online encoder (trunk + projection head, trained by gradient), the target
/// encoder (its EMA copy, never given gradients) and the prototypes (a separate trainable [K, d] tensor, outside the
/// EMA and the gradient clipping), all on one device.
/// </summary>
public sealed class MsnNetworks : IDisposable
{
    private MsnNetworks(EncoderArchitecture architecture, VisionTransformer encoder, VisionTransformer target,
        Parameter prototypes, Device device)
    {
        Architecture = architecture;
        Encoder = encoder;
        TargetEncoder = target;
        Prototypes = prototypes;
        Device = device;
        foreach (var p in target.parameters()) p.requires_grad = false;
    }

    /// <summary>The architecture (with the prototype count).</summary>
    public EncoderArchitecture Architecture { get; }

    /// <summary>The online encoder.</summary>
    public VisionTransformer Encoder { get; }

    /// <summary>The EMA target encoder (what evaluation uses).</summary>
    public VisionTransformer TargetEncoder { get; }

    /// <summary>The prototypes [K, d], stored unnormalised.</summary>
    public Parameter Prototypes { get; }

    /// <summary>Where the networks live.</summary>
    public Device Device { get; }

    /// <summary>
    /// Fresh networks: the encoder initialised as the official code, the target a copy of it, the prototypes
    /// U(−1/√d, 1/√d). Every draw comes from <paramref name="seed"/>.
    /// </summary>
    public static MsnNetworks Create(EncoderArchitecture architecture, Device device, long seed)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        if (architecture.Head is null || architecture.NumPrototypes is null)
            throw new ArgumentException("MSN needs a projection head and prototypes", nameof(architecture));
        using var generator = new Generator((ulong)seed);
        var encoder = architecture.CreateEncoder(generator);
        var target = architecture.CreateEncoder(generator);
        int d = architecture.Head.OutputDim;
        using var protos = torch.empty(architecture.NumPrototypes.Value, d);
        double bound = Math.Sqrt(1.0 / d);
        using (torch.no_grad())
        using (torch.NewDisposeScope())   // uniform_ returns a new wrapper of protos
            protos.uniform_(-bound, bound, generator: generator);
        encoder.to(device);
        target.to(device);
        StateDictLoader.Load(target, encoder.state_dict(), "encoder copy");
        var prototypes = new Parameter(protos.to(device), requires_grad: true);
        prototypes.DetachFromDisposeScope();
        return new MsnNetworks(architecture, encoder, target, prototypes, device);
    }

    /// <summary>
    /// Networks from a checkpoint: a training checkpoint gives both encoders; released weights (target encoder and
    /// prototypes only) give the target, and the online encoder starts as a copy of it.
    /// </summary>
    /// <param name="checkpoint">The weights.</param>
    /// <param name="device">Where to put the networks.</param>
    /// <param name="dtype">Parameter type (float32 for training; float64 for exactness checks).</param>
    public static MsnNetworks FromCheckpoint(MsnCheckpoint checkpoint, Device device,
        ScalarType dtype = ScalarType.Float32)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var arch = checkpoint.Architecture;
        if (arch.Head is null)
            throw new CheckpointFormatException(
                "the checkpoint's encoder has no projection head: it cannot be trained with MSN");
        var target = checkpoint.TargetEncoder ?? checkpoint.Encoder
            ?? throw new CheckpointFormatException("the checkpoint holds no encoder");
        var online = checkpoint.Encoder ?? target;
        var protos = checkpoint.Prototypes ?? throw new CheckpointFormatException("the checkpoint holds no prototypes");
        var encoder = arch.CreateEncoder();
        var targetEncoder = arch.CreateEncoder();
        encoder.to(device).to(dtype);
        targetEncoder.to(device).to(dtype);
        StateDictLoader.Load(encoder, online, checkpoint.Encoder is null ? "target_encoder (as encoder)" : "encoder");
        StateDictLoader.Load(targetEncoder, target, "target_encoder");
        using var moved = protos.to(dtype, device);
        var prototypes = new Parameter(moved.clone(), requires_grad: true);
        prototypes.DetachFromDisposeScope();
        return new MsnNetworks(arch with { NumPrototypes = (int)protos.shape[0] }, encoder, targetEncoder, prototypes,
            device);
    }

    /// <summary>Makes both encoders' projection-head BatchNorms span the batches of <paramref name="collective"/>'s
    /// processes (the official SyncBN with several processes).</summary>
    public void UseCollective(ICollective collective)
    {
        ArgumentNullException.ThrowIfNull(collective);
        if (Encoder.Head is { } head) head.Collective = collective;
        if (TargetEncoder.Head is { } targetHead) targetHead.Collective = collective;
    }

    /// <summary>Runs both encoders' matrix products in <paramref name="precision"/> (their parameters, the
    /// prototypes and everything else stay float32); returns these networks.</summary>
    public MsnNetworks UsePrecision(Precision precision)
    {
        Encoder.Precision = precision;
        TargetEncoder.Precision = precision;
        return this;
    }

    /// <summary>
    /// AdamW with the official three groups: decayed encoder weights (the weight-decay schedule applies), encoder
    /// biases / <c>bn</c> / 1-D parameters (no decay), prototypes (no decay). State is keyed <c>encoder.{name}</c>
    /// and <c>prototypes</c>.
    /// </summary>
    public AdamW CreateOptimizer(double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
    {
        var (decayed, notDecayed) = ParameterGroups.Split(
            Encoder.named_parameters().Select(p => (p.name, p.parameter.shape, ("encoder." + p.name, p.parameter))));
        return new AdamW(
        [
            new AdamWGroup("decayed", decayed, DecayScheduled: true),
            new AdamWGroup("no_decay", notDecayed, DecayScheduled: false),
            new AdamWGroup("prototypes", [("prototypes", Prototypes)], DecayScheduled: false),
        ], beta1, beta2, eps);
    }

    /// <summary>A checkpoint of the networks (copies on the CPU), with optional optimizer and training state.
    /// Without <paramref name="copy"/> it is a view of the live tensors, for writing at once: its Dispose frees
    /// nothing (saving then costs no second copy of the weights).</summary>
    public MsnCheckpoint ToCheckpoint(AdamW? optimizer = null, System.Text.Json.Nodes.JsonObject? training = null,
        bool copy = true) =>
        new(Architecture)
        {
            Encoder = copy ? StateDictLoader.Snapshot(Encoder) : new(Encoder.state_dict(), StringComparer.Ordinal),
            TargetEncoder = copy
                ? StateDictLoader.Snapshot(TargetEncoder)
                : new(TargetEncoder.state_dict(), StringComparer.Ordinal),
            Prototypes = copy ? CpuCopy.Of(Prototypes) : Prototypes,
            Optimizer = optimizer?.StateDict(copy),
            Training = training,
            OwnsTensors = copy,
        };

    /// <inheritdoc />
    public void Dispose()
    {
        Encoder.Dispose();
        TargetEncoder.Dispose();
        Prototypes.Dispose();
    }
}
