using MaskedSiamese.Engine;
using MaskedSiamese.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MaskedSiamese.Models;

/// <summary>
/// The MSN projection head: fc1 → bn1 → GELU → fc2 → bn2 → GELU → fc3 (state-dict names <c>fc1</c>,
/// <c>bn1</c>, <c>fc2</c>, <c>bn2</c>, <c>fc3</c> as the official <c>OrderedDict</c>). BatchNorm uses its PyTorch
/// defaults (eps 1e-5, momentum 0.1) and, in training mode, the statistics of the batch it is given, or, with several
/// processes in <see cref="Collective"/>, of all their batches together (<see cref="SynchronizedBatchNorm"/>).
/// </summary>
public sealed class ProjectionHead : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly BatchNorm1d bn1;
    private readonly Linear fc2;
    private readonly BatchNorm1d bn2;
    private readonly Linear fc3;

    /// <summary>Creates the head from a D-wide input.</summary>
    public ProjectionHead(int inputDim, ProjectionHeadOptions options) : base(nameof(ProjectionHead))
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        fc1 = nn.Linear(inputDim, options.HiddenDim);
        bn1 = nn.BatchNorm1d(options.HiddenDim);
        fc2 = nn.Linear(options.HiddenDim, options.HiddenDim);
        bn2 = nn.BatchNorm1d(options.HiddenDim);
        fc3 = nn.Linear(options.HiddenDim, options.OutputDim);
        RegisterComponents();
    }

    /// <summary>The head's widths.</summary>
    public ProjectionHeadOptions Options { get; }

    /// <summary>The processes whose batches the training-mode BatchNorm statistics span (one by default).</summary>
    public ICollective Collective { get; set; } = SingleProcessCollective.Instance;

    /// <summary>The precision of the three linear layers (float32 by default); BatchNorm and GELU stay in the
    /// input's dtype. Set by the encoder.</summary>
    public Precision Precision { get; set; }

    /// <summary>[B, D] → [B, OutputDim], in the input's dtype.</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = nn.functional.gelu(Normalize(bn1, Product(fc1, x)));
        h = nn.functional.gelu(Normalize(bn2, Product(fc2, h)));
        return Product(fc3, h).MoveToOuterDisposeScope();
    }

    private Tensor Product(Linear layer, Tensor x) => Precision == Precision.Fp32
        ? layer.call(x)
        : LowPrecision.LinearTo(x, layer.weight!, layer.bias, Precision.ComputeType(), x.dtype);

    private Tensor Normalize(BatchNorm1d norm, Tensor x) =>
        training && Collective.WorldSize > 1 ? SynchronizedBatchNorm.Forward(x, norm, Collective) : norm.call(x);
}
