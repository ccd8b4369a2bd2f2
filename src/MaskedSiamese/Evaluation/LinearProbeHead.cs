using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MaskedSiamese.Evaluation;

/// <summary>
/// The official linear-evaluation head (<c>linear_eval.py</c> <c>LinearClassifier</c>): LayerNorm(D, eps 1e-5,
/// trainable) → L2-normalise → Linear(D, C) initialised N(0, 0.01²) with zero bias. State-dict keys match the
/// official ones (<c>norm.weight</c>, <c>norm.bias</c>, <c>linear.weight</c>, <c>linear.bias</c>).
/// </summary>
public sealed class LinearProbeHead : nn.Module<Tensor, Tensor>
{
    [TorchSharp.Utils.ComponentName(Name = "norm")]
    private readonly LayerNorm _norm;

    [TorchSharp.Utils.ComponentName(Name = "linear")]
    private readonly Linear _linear;

    private readonly bool _normalize;

    /// <summary>Builds the head; <paramref name="generator"/> seeds the weight initialisation.</summary>
    /// <param name="dimension">Feature dimension D.</param>
    /// <param name="classes">Number of classes C.</param>
    /// <param name="normalize">The official <c>normalize</c> flag (L2 after the LayerNorm); true by default.</param>
    /// <param name="generator">Random source of the N(0, 0.01²) initialisation (null: the global one).</param>
    public LinearProbeHead(long dimension, long classes, bool normalize = true, Generator? generator = null)
        : base(nameof(LinearProbeHead))
    {
        _norm = nn.LayerNorm(dimension, eps: 1e-5);
        _linear = nn.Linear(dimension, classes);
        _normalize = normalize;
        using (torch.no_grad())
        using (torch.NewDisposeScope())   // in-place operations return new wrappers of the tensor
        {
            using var w = torch.randn(classes, dimension, generator: generator);
            using var std = torch.tensor(0.01f);
            _linear.weight!.copy_(w.mul_(std));
            _linear.bias!.zero_();
        }
        RegisterComponents();
    }

    /// <summary>Logits [N, C] of features [N, D].</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        return _linear.call(LinearInput(input)).MoveToOuterDisposeScope();
    }

    /// <summary>What the linear layer reads: the LayerNorm's output, L2-normalised when the head normalises.</summary>
    internal Tensor LinearInput(Tensor input)
    {
        var x = _norm.call(input);
        return _normalize ? nn.functional.normalize(x, p: 2, dim: 1) : x;
    }

    /// <summary>Sets the linear layer to <paramref name="weight"/> [C, D] and a zero bias.</summary>
    internal void SetLinear(Tensor weight)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        _linear.weight!.copy_(weight);
        _linear.bias!.zero_();
    }
}
