using MaskedSiamese.IO;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MaskedSiamese.Optimization;

/// <summary>
/// AdamW with PyTorch's update (decoupled weight decay first, then the bias-corrected Adam step), over named parameter
/// groups whose learning rate and weight decay the caller sets before every step (the schedules are pure functions of
/// the step). Written here rather than taken from TorchSharp so that its state is plain named tensors: it saves to
/// and loads from checkpoints by parameter name, including the official optimizer state.
/// </summary>
public sealed class AdamW : IDisposable
{
    private readonly Dictionary<string, MomentState> _state = new(StringComparer.Ordinal);

    /// <summary>Creates the optimizer.</summary>
    /// <param name="groups">Named parameter groups; a parameter must appear in one group only.</param>
    /// <param name="beta1">Decay of the first moment (official 0.9).</param>
    /// <param name="beta2">Decay of the second moment (official 0.999).</param>
    /// <param name="eps">Added to the denominator (official 1e-8).</param>
    public AdamW(IReadOnlyList<AdamWGroup> groups, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(groups);
        Groups = groups;
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var g in groups)
            foreach (var (name, _) in g.Parameters)
                if (!seen.Add(name))
                    throw new ArgumentException($"parameter '{name}' is in two groups", nameof(groups));
    }

    /// <summary>The parameter groups, in order.</summary>
    public IReadOnlyList<AdamWGroup> Groups { get; }

    /// <summary>First-moment decay.</summary>
    public double Beta1 { get; }

    /// <summary>Second-moment decay.</summary>
    public double Beta2 { get; }

    /// <summary>Denominator epsilon.</summary>
    public double Eps { get; }

    /// <summary>Clears every parameter's gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var g in Groups)
            foreach (var (_, p) in g.Parameters)
            {
                using var grad = p.grad;
                if (grad is not null) p.grad = null;
            }
    }

    /// <summary>One update of every parameter that has a gradient, with each group's current
    /// <see cref="AdamWGroup.LearningRate"/> and <see cref="AdamWGroup.WeightDecay"/>.</summary>
    public void Step()
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();   // in-place operations return new wrappers of their tensor
        foreach (var g in Groups)
        {
            foreach (var (name, p) in g.Parameters)
            {
                using var grad = p.grad;
                if (grad is null) continue;
                if (!_state.TryGetValue(name, out var s))
                {
                    // State outlives the caller's dispose scope.
                    s = new MomentState(torch.zeros_like(p).DetachFromDisposeScope(),
                        torch.zeros_like(p).DetachFromDisposeScope(), 0);
                    _state[name] = s;
                }
                s.Step++;
                Update(p, grad, s, g.LearningRate, g.WeightDecay);
            }
        }
    }

    private void Update(Parameter p, Tensor grad, MomentState s, double lr, double wd)
    {
        double bias1 = 1 - Math.Pow(Beta1, s.Step);
        double bias2Sqrt = Math.Sqrt(1 - Math.Pow(Beta2, s.Step));
        // Explicit Scalars, disposed at once: implicit ones are freed only by finalizers (a slow native leak).
        using var decay = (1 - lr * wd).ToScalar();
        using var b1 = Beta1.ToScalar();
        using var oneMinusB1 = (1 - Beta1).ToScalar();
        using var b2 = Beta2.ToScalar();
        using var oneMinusB2 = (1 - Beta2).ToScalar();
        using var bias2 = bias2Sqrt.ToScalar();
        using var eps = Eps.ToScalar();
        using var negStep = (-lr / bias1).ToScalar();
        if (wd != 0) p.mul_(decay);
        s.ExpAvg.mul_(b1).add_(grad, oneMinusB1);
        s.ExpAvgSq.mul_(b2).addcmul_(grad, grad, oneMinusB2);
        using var root = s.ExpAvgSq.sqrt();
        using var denom = root.div_(bias2).add_(eps, KeptScalars.One);
        p.addcdiv_(s.ExpAvg, denom, negStep);
    }

    /// <summary>
    /// The state as named tensors: <c>{parameter}.exp_avg</c>, <c>{parameter}.exp_avg_sq</c> and
    /// <c>{parameter}.step</c> (a float scalar, as PyTorch stores it). With <paramref name="copy"/> the moments are
    /// copies on the CPU; without, the live tensors (to be written at once, never disposed by the caller; the step
    /// scalars are always new and the caller's to dispose).
    /// </summary>
    public Dictionary<string, Tensor> StateDict(bool copy = true)
    {
        var d = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, s) in _state)
        {
            d[name + ".exp_avg"] = copy ? CpuCopy.Of(s.ExpAvg) : s.ExpAvg;
            d[name + ".exp_avg_sq"] = copy ? CpuCopy.Of(s.ExpAvgSq) : s.ExpAvgSq;
            d[name + ".step"] = torch.tensor((float)s.Step);
        }
        return d;
    }

    /// <summary>Restores <see cref="StateDict"/> output (or an imported official state), refusing state for an
    /// unknown parameter or of the wrong shape.</summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var parameters = Groups.SelectMany(g => g.Parameters)
            .ToDictionary(x => x.Name, x => x.Parameter, StringComparer.Ordinal);
        foreach (var key in state.Keys)
        {
            int dot = key.LastIndexOf('.');
            string name = key[..dot];
            if (!parameters.ContainsKey(name))
                throw new ArgumentException($"optimizer state for unknown parameter '{name}'", nameof(state));
        }
        Clear();
        foreach (var (name, p) in parameters)
        {
            using var scope = torch.NewDisposeScope();   // the conversions below; the state itself leaves the scope
            if (!state.TryGetValue(name + ".exp_avg", out var m)) continue;
            var v = state.TryGetValue(name + ".exp_avg_sq", out var vv)
                ? vv
                : throw new ArgumentException($"optimizer state for '{name}' lacks exp_avg_sq", nameof(state));
            if (!m.shape.SequenceEqual(p.shape) || !v.shape.SequenceEqual(p.shape))
                throw new ArgumentException($"optimizer state for '{name}' has shape [{string.Join(",", m.shape)}], " +
                    $"the parameter [{string.Join(",", p.shape)}]", nameof(state));
            long step = state.TryGetValue(name + ".step", out var st)
                ? (long)Math.Round(st.to_type(ScalarType.Float64).item<double>())
                : 0;
            _state[name] = new MomentState(m.to(p.dtype, p.device).clone().DetachFromDisposeScope(),
                v.to(p.dtype, p.device).clone().DetachFromDisposeScope(), step);
        }
    }

    private void Clear()
    {
        foreach (var s in _state.Values)
        {
            s.ExpAvg.Dispose();
            s.ExpAvgSq.Dispose();
        }
        _state.Clear();
    }

    /// <inheritdoc />
    public void Dispose() => Clear();

    private sealed class MomentState(Tensor expAvg, Tensor expAvgSq, long step)
    {
        public Tensor ExpAvg { get; } = expAvg;
        public Tensor ExpAvgSq { get; } = expAvgSq;
        public long Step { get; set; } = step;
    }
}
