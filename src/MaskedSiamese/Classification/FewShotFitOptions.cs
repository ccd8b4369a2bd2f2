using MaskedSiamese.Configuration;
using MaskedSiamese.Data.Augmentation;
using MaskedSiamese.Evaluation;
using static TorchSharp.torch;

namespace MaskedSiamese.Classification;

/// <summary>Settings of <see cref="FewShotClassifier.Fit(Checkpoints.MsnCheckpoint, Data.IImageSource,
/// FewShotFitOptions?, CancellationToken)"/>.</summary>
public sealed record FewShotFitOptions
{
    /// <summary>Which encoder output is the feature (default: the official last block's [CLS]).</summary>
    public FeatureChoice Features { get; init; } = FeatureChoice.LastBlock;

    /// <summary>The transform; null takes the one <see cref="TransformChoice"/> resolves for the checkpoint.</summary>
    public EvalTransform? Transform { get; init; }

    /// <summary>Which transform the checkpoint gets when <see cref="Transform"/> is null (<c>--normalization</c>;
    /// default: the checkpoint's).</summary>
    public EvalTransformChoice TransformChoice { get; init; } = EvalTransformChoice.Auto;

    /// <summary>Candidate λ values for cross-validation (default <see cref="LambdaSearch.GridFor"/> the number of
    /// labelled images).</summary>
    public IReadOnlyList<double>? LambdaGrid { get; init; }

    /// <summary>Folds of the stratified cross-validation; reduced to the smallest class size.</summary>
    public int Folds { get; init; } = 5;

    /// <summary>Seed of the fold assignment.</summary>
    public int Seed { get; init; }

    /// <summary>λ when cross-validation is impossible (a class with a single image), or always with
    /// <see cref="CrossValidate"/> false: the official low-shot value.</summary>
    public double FallbackLambda { get; init; } = LogisticRegressionOptions.DefaultLambda;

    /// <summary>Choose λ by cross-validation (default true).</summary>
    public bool CrossValidate { get; init; } = true;

    /// <summary>L-BFGS settings of the final fit and of every cross-validation fit (λ is replaced).</summary>
    public LogisticRegressionOptions Solver { get; init; } = new();

    /// <summary>Images per encoder forward.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Device of the encoder (default CPU).</summary>
    public Device? Device { get; init; }

    /// <summary>Receives (images done, images total) during feature extraction.</summary>
    public IProgress<(int Done, int Total)>? Progress { get; init; }

    /// <summary>Attention heads of an official checkpoint whose shape matches no official model (path
    /// overload).</summary>
    public int? NumHeads { get; init; }
}
