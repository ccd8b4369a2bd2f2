using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MaskedSiamese.Models;

/// <summary>
/// The official initialisation (<c>deit.py</c> <c>_init_weights</c>, repeated in <c>msn_train.py</c>): Linear weights
/// truncated normal (std 0.02, cut at ±2 absolute) with zero bias, LayerNorm weight 1 and bias 0, the patch-embedding
/// Conv2d kaiming-normal (fan_in, ReLU gain) with zero bias, [CLS] and positional embeddings truncated normal
/// (std 0.02). BatchNorm keeps PyTorch's defaults.
/// </summary>
public static class VitInitialization
{
    /// <summary>Initialises every parameter of <paramref name="model"/>.</summary>
    public static void Apply(VisionTransformer model, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var noGrad = torch.no_grad();
        // TorchSharp's in-place operations (zero_, fill_, normal_) return a new wrapper of the tensor: this scope
        // disposes those wrappers (the parameters themselves are the modules').
        using var scope = NewDisposeScope();
        TruncatedNormal.Fill(model.PosEmbed, std: 0.02, generator: generator);
        TruncatedNormal.Fill(model.ClsToken, std: 0.02, generator: generator);
        foreach (var (_, module) in model.named_modules())
        {
            switch (module)
            {
                case Linear linear:
                    TruncatedNormal.Fill(linear.weight!, std: 0.02, generator: generator);
                    linear.bias?.zero_();
                    break;
                case LayerNorm ln:
                    using (var one = 1.0.ToScalar()) ln.weight?.fill_(one);
                    ln.bias?.zero_();
                    break;
                case Conv2d conv:
                    KaimingNormalFanInRelu(conv.weight!, generator);
                    conv.bias?.zero_();
                    break;
            }
        }
    }

    private static void KaimingNormalFanInRelu(Tensor weight, Generator? generator)
    {
        long fanIn = weight.shape.Skip(1).Aggregate(1L, (a, b) => a * b);
        double std = Math.Sqrt(2.0) / Math.Sqrt(fanIn);
        weight.normal_(0, std, generator: generator);
    }
}
