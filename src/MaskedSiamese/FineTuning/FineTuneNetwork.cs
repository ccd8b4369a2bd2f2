using MaskedSiamese.Evaluation;
using MaskedSiamese.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MaskedSiamese.FineTuning;

/// <summary>
/// The encoder and a linear head on exactly the feature path of <c>msn fit</c>'s classifier: the chosen features,
/// each row centred on its own mean and L2-normalised, times the head W [F, C] without bias, scaled by a fixed s.
/// Training through this path means the classifier file (which stores s·W) gives the probabilities training saw.
/// State-dict keys: <c>encoder.*</c> (the trunk's) and <c>head</c>.
/// </summary>
public sealed class FineTuneNetwork : nn.Module<Tensor, Tensor>
{
    private readonly VisionTransformer encoder;
    private readonly Parameter head;

    /// <summary>Wraps <paramref name="trunk"/> (owned from now on) with a zero head of <paramref name="classes"/>
    /// columns (MAE's head starts near zero; <see cref="SetFoldedHead"/> starts it from a linear probe
    /// instead).</summary>
    public FineTuneNetwork(VisionTransformer trunk, FeatureChoice features, int classes, double logitScale)
        : base(nameof(FineTuneNetwork))
    {
        ArgumentNullException.ThrowIfNull(trunk);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        encoder = trunk;
        Features = features;
        LogitScale = logitScale;
        head = nn.Parameter(torch.zeros(features.Dimension(trunk.Options.EmbedDim), classes, dtype: float32,
            device: trunk.PosEmbed.device));
        RegisterComponents();
    }

    /// <summary>The encoder being fine-tuned.</summary>
    public VisionTransformer Encoder => encoder;

    /// <summary>The head W [F, C] (before the logit scale).</summary>
    public Parameter Head => head;

    /// <summary>Which encoder output the head reads.</summary>
    public FeatureChoice Features { get; }

    /// <summary>The fixed factor s on the logits.</summary>
    public double LogitScale { get; }

    /// <summary>Logits [B, C] of images [B, 3, H, W].</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var features = FeaturePreprocessing.CenterAndNormalize(Features.Forward(encoder, x));
        using var scale = LogitScale.ToScalar();
        return features.matmul(head).mul(scale).MoveToOuterDisposeScope();
    }

    /// <summary>Sets the head so that its logits s·x·W equal x·<paramref name="folded"/> (a classifier head [F, C],
    /// row-major, e.g. a logistic regression's).</summary>
    public void SetFoldedHead(double[] folded)
    {
        ArgumentNullException.ThrowIfNull(folded);
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        using var scale = LogitScale.ToScalar();
        var w = torch.tensor(folded, head.shape, float64).div(scale).to(head.dtype, head.device);
        head.copy_(w);
    }

    /// <summary>s·W as float64 [F, C] in row-major order: the classifier file's head.</summary>
    public double[] FoldedHead()
    {
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        using var scale = LogitScale.ToScalar();
        return head.detach().to(float64).mul(scale).cpu().contiguous().data<double>().ToArray();
    }
}
