using MaskedSiamese.Platform;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MaskedSiamese.Models.Layers;

/// <summary>
/// Matrix products in a lower compute dtype over float32 master weights: TorchSharp has no autocast, so each layer
/// casts its input and weights at the product. The casts are differentiable: the weight's gradient flows back through
/// the cast and accumulates in float32 in the master weight's <c>.grad</c>. Only called in bf16 runs: the float32
/// path calls the layers' own modules, unchanged.
/// </summary>
internal static class LowPrecision
{
    /// <summary><c>x Wᵀ + b</c> with x, W and b cast to <paramref name="compute"/>; the output stays in that dtype
    /// (the product accumulates in float32 inside the kernel and is rounded once on store).</summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias, ScalarType compute)
    {
        using var scope = NewDisposeScope();
        var y = F.linear(Cast(x, compute), Cast(weight, compute), bias is null ? null : Cast(bias, compute));
        return y.MoveToOuterDisposeScope();
    }

    /// <summary><see cref="Linear"/>, then back to <paramref name="output"/> (the residual stream's float32) for what
    /// follows: LayerNorm, BatchNorm and residual sums stay float32.</summary>
    public static Tensor LinearTo(Tensor x, Tensor weight, Tensor? bias, ScalarType compute, ScalarType output)
    {
        using var scope = NewDisposeScope();
        return Linear(x, weight, bias, compute).to(output).MoveToOuterDisposeScope();
    }

    /// <summary>softmax(q kᵀ / √d_head) v for q, k, v [B, H, T, d_head] in the compute dtype: both products in that
    /// dtype, the scores' scaling and softmax in float32, the probabilities rounded once for the second product.
    /// Written out because LibTorch's fused CPU kernel runs its bf16 backward 3–6× slower than its float32 one
    /// (fmnist_msn_small's shapes, AMX host: 137 against 55 ms forward and backward at [128, 3, 65, 64]; this path
    /// 35 ms), which made a bf16 step no faster than fp32 although its products ran 3× faster.</summary>
    public static Tensor Attention(Tensor q, Tensor k, Tensor v)
    {
        SignalStack.EnsureRoomForMatrixTiles(q.dtype);   // its inputs arrive in bf16 already, not through Cast
        using var scope = NewDisposeScope();
        using var scale = (1.0 / Math.Sqrt(q.shape[^1])).ToScalar();
        var scores = q.matmul(k.transpose(-2, -1)).to(ScalarType.Float32).mul(scale);
        var weights = scores.softmax(-1).to(v.dtype);
        return weights.matmul(v).MoveToOuterDisposeScope();
    }

    /// <summary><paramref name="t"/> in <paramref name="dtype"/>: itself (an alias) when it already is. Every bf16
    /// product of the model starts from a cast here (or in <see cref="MlpBranchFunction"/> or <see cref="Attention"/>,
    /// whose inputs are bf16 already), so this is where the thread gets its room for AMX signal frames
    /// (<see cref="SignalStack"/>).</summary>
    public static Tensor Cast(Tensor t, ScalarType dtype)
    {
        SignalStack.EnsureRoomForMatrixTiles(dtype);
        return t.dtype == dtype ? t.alias() : t.to(dtype);
    }
}
