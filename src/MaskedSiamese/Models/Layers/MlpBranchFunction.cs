using MaskedSiamese.Platform;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MaskedSiamese.Models.Layers;

/// <summary>
/// The MLP branch of a block, LayerNorm → fc1 → GELU → fc2, as one autograd node that keeps only its input and
/// the fc1 output for backward and recomputes the LayerNorm and GELU outputs there. Plain autograd keeps both of those
/// too: 5 of the block's 17 token-width activations. On fmnist_msn_small that is ~130 MB of the step's ~430 MB of saved
/// activations, for two elementwise passes per block in backward (~2.5% of a step there). The values are those of plain
/// autograd: the same kernels, with the LayerNorm and GELU backward taken from autograd on the recomputed outputs.
/// </summary>
internal sealed class MlpBranchFunction : autograd.SingleTensorFunction<MlpBranchFunction>
{
    private const string ActivationsKey = "activations";
    // TorchSharp keeps one instance of the function for every call on every thread, so the handles of the gradients
    // returned last are kept per thread: the autograd engine copies them on the thread that ran the backward, right
    // after it returns, and they can go at that thread's next backward. Shared across threads, a training on another
    // thread disposed them before the engine had copied them (two trainings in one process then got wrong gradients).
    [ThreadStatic]
    private static List<Tensor>? t_returned;

    /// <summary>Frees the gradients this thread's last backward through the branch returned, which the engine has
    /// copied once <c>backward()</c> has returned. Call it then: left for the next backward, they outlive a thread
    /// that does no other (a pool thread retired, a test's thread ended) and go to the GC's finaliser.</summary>
    public static void ReleaseReturnedGradients()
    {
        if (t_returned is not { } returned) return;
        foreach (var t in returned) t.Dispose();
        returned.Clear();
    }

    /// <inheritdoc />
    public override string Name => "MsnMlpBranch";

    /// <summary>fc2(GELU(fc1(LayerNorm(x)))) for x [..., D], the two products in <paramref name="compute"/>: x's own
    /// dtype runs exactly the float32 (or float64) computation; bfloat16 casts the LayerNorm output, the weights and
    /// the incoming gradient at the products, keeps the hidden activation and its GELU in bfloat16, and returns the
    /// output and every gradient in x's dtype (the LayerNorm and its backward stay there).</summary>
    public static Tensor Apply(Tensor x, Tensor normWeight, Tensor normBias, double eps,
        Tensor fc1Weight, Tensor fc1Bias, Tensor fc2Weight, Tensor fc2Bias, ScalarType compute) =>
        apply(x, normWeight, normBias, fc1Weight, fc1Bias, fc2Weight, fc2Bias, eps, compute);

    /// <inheritdoc />
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(vars);
        var (x, gamma, beta, w1, b1, w2, b2) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2], (Tensor)vars[3],
            (Tensor)vars[4], (Tensor)vars[5], (Tensor)vars[6]);
        double eps = (double)vars[7];
        var cast = new Casts(x.dtype, (ScalarType)vars[8]);
        SignalStack.EnsureRoomForMatrixTiles(cast.Compute);
        using var scope = NewDisposeScope();
        var hidden = F.linear(cast.Low(F.layer_norm(x, [x.shape[^1]], gamma, beta, eps)), cast.Low(w1), cast.Low(b1));
        var output = cast.High(F.linear(F.gelu(hidden), cast.Low(w2), cast.Low(b2)));
        // TorchSharp's context frees saved variables only when the whole graph goes (at the end of the step), so the
        // two large tensors travel outside it and are released as soon as this node's backward has used them.
        ctx.save_for_backward([gamma, beta, w1, w2]);
        var activations = new SavedActivations(x.detach().DetachFromDisposeScope(), hidden.DetachFromDisposeScope(),
            eps, cast);
        ctx.save_data(ActivationsKey, activations);
        return output.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(grad_output);
        using var activations = (SavedActivations)ctx.get_data(ActivationsKey);
        using var scope = NewDisposeScope();
        var saved = ctx.get_saved_variables();
        var (gamma, beta, w1, w2) = (saved[0], saved[1], saved[2], saved[3]);
        var (x, hidden, eps, cast) = (activations.Input, activations.Hidden, activations.Eps, activations.Cast);
        SignalStack.EnsureRoomForMatrixTiles(cast.Compute);   // the backward may run on another thread than the forward
        long dim = x.shape[^1], width = hidden.shape[^1];
        var gradOut = grad_output.reshape(-1, dim);
        var gradOutLow = cast.Low(gradOut);

        // fc2 and GELU, on the recomputed activation; each large temporary goes as soon as it has been used.
        Tensor gradW2, gradHidden;
        using (var geluScope = NewDisposeScope())
        using (torch.enable_grad())
        {
            var hiddenLeaf = hidden.detach().requires_grad_(true);
            var activation = F.gelu(hiddenLeaf);
            gradW2 = cast.High(gradOutLow.t().mm(activation.detach().reshape(-1, width))).MoveToOuterDisposeScope();
            var gradActivation = gradOutLow.mm(cast.Low(w2)).reshape(hidden.shape);
            gradHidden = autograd.grad([activation], [hiddenLeaf], [gradActivation])[0].reshape(-1, width)
                .MoveToOuterDisposeScope();
        }
        activations.Hidden.Dispose();
        var gradB2 = gradOut.sum(0L);

        // fc1 and the LayerNorm, on the recomputed normalised input.
        Tensor gradW1, gradX, gradGamma, gradBeta;
        using (var normScope = NewDisposeScope())
        using (torch.enable_grad())
        {
            var xLeaf = x.detach().requires_grad_(true);
            var gammaLeaf = gamma.detach().requires_grad_(true);
            var betaLeaf = beta.detach().requires_grad_(true);
            var normed = F.layer_norm(xLeaf, [dim], gammaLeaf, betaLeaf, eps);
            gradW1 = cast.High(gradHidden.t().mm(cast.Low(normed.detach().reshape(-1, dim)))).MoveToOuterDisposeScope();
            var gradNormed = cast.High(gradHidden.mm(cast.Low(w1))).reshape(x.shape);
            var grads = autograd.grad([normed], [xLeaf, gammaLeaf, betaLeaf], [gradNormed]);
            (gradX, gradGamma, gradBeta) = (grads[0].MoveToOuterDisposeScope(), grads[1].MoveToOuterDisposeScope(),
                grads[2].MoveToOuterDisposeScope());
        }
        var gradB1 = cast.High(gradHidden).sum(0L);   // summed in float32 in bf16 runs

        // The engine copies what we return (a new reference each) when this call returns, so our handles can go at
        // the next call; left to the caller's scope, they and the incoming gradients lived to the end of the step.
        List<Tensor> result = [gradX, gradGamma, gradBeta, gradW1, gradB1, gradW2, gradB2];
        ReleaseReturnedGradients();
        var returned = t_returned ??= [];
        foreach (var t in result) returned.Add(t.DetachFromDisposeScope());
        grad_output.Dispose();
        return [.. result, null!, null!];
    }

    /// <summary>The branch input and the fc1 output (in the compute dtype), owned by one node until its
    /// backward.</summary>
    private sealed record SavedActivations(Tensor Input, Tensor Hidden, double Eps, Casts Cast) : IDisposable
    {
        public void Dispose()
        {
            Input.Dispose();
            Hidden.Dispose();
        }
    }

    /// <summary>The casts at the products: none at all (the same tensors) when the compute dtype is the
    /// stream's.</summary>
    private readonly record struct Casts(ScalarType Stream, ScalarType Compute)
    {
        public Tensor Low(Tensor t) => Compute == Stream ? t : t.to(Compute);

        public Tensor High(Tensor t) => Compute == Stream ? t : t.to(Stream);
    }
}
