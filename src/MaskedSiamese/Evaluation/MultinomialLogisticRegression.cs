using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Evaluation;

/// <summary>
/// Multinomial logistic regression without intercept, the classifier of the official low-shot protocol (cyanure's
/// <c>MultiClassifier(loss='multiclass-logistic', penalty='l2', fit_intercept=False)</c>): it minimises
/// Σᵢ CE(Wᵀxᵢ, yᵢ) + (λ/2)‖W‖²_F over the n labelled samples with L-BFGS. Weights are kept in managed
/// memory, so an instance owns no native tensor.
/// </summary>
public sealed class MultinomialLogisticRegression
{
    private readonly double[] _weights;

    private MultinomialLogisticRegression(double[] weights, int dimension, int classes, LogisticRegressionFitInfo fit)
    {
        _weights = weights;
        Dimension = dimension;
        Classes = classes;
        FitInfo = fit;
    }

    /// <summary>Feature dimension D.</summary>
    public int Dimension { get; }

    /// <summary>Number of classes C.</summary>
    public int Classes { get; }

    /// <summary>How the fit ended (iterations, gradient norm, convergence, time).</summary>
    public LogisticRegressionFitInfo FitInfo { get; }

    /// <summary>The weights W [D, C], row-major (entry (d, c) at d·C + c). Logits are xᵀW.</summary>
    public ReadOnlySpan<double> Weights => _weights;

    /// <summary>
    /// Fits W on <paramref name="features"/> [n, D] (float32 or float64, any device; preprocess them first with
    /// <see cref="FeaturePreprocessing.CenterAndNormalize"/> for the official protocol) and labels in [0, C).
    /// </summary>
    /// <param name="features">Labelled features [n, D].</param>
    /// <param name="labels">n labels in [0, <paramref name="numClasses"/>).</param>
    /// <param name="numClasses">C; classes absent from the labels get weights driven to zero by the penalty.</param>
    /// <param name="options">λ and solver settings (defaults: λ 0.0025, ≤ 1000 iterations).</param>
    public static MultinomialLogisticRegression Fit(Tensor features, IReadOnlyList<int> labels, int numClasses,
        LogisticRegressionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        options ??= new LogisticRegressionOptions();
        options.Validate();
        var y = CheckLabels(features, labels, numClasses);
        var watch = Stopwatch.StartNew();
        using var objective = new SoftmaxObjective(features, y, numClasses, options.Lambda,
            options.WhitenFor(features.shape[0], features.shape[1]));
        var v = new double[objective.Dimension * numClasses];
        var outcome = Lbfgs.Minimize(objective.Evaluate, v, options.MaxIterations, options.GradientTolerance,
            options.HistorySize, objective.GradientNormInf);
        var w = objective.Weights(v);
        var fit = new LogisticRegressionFitInfo(options.Lambda, outcome.Value * objective.Count, outcome.Iterations,
            outcome.GradientNorm, outcome.Converged, watch.Elapsed.TotalSeconds);
        return new MultinomialLogisticRegression(w, objective.Dimension, numClasses, fit);
    }

    /// <summary>
    /// A fitted model from stored weights W [D, C] (row-major, entry (d, c) at d·C + c), e.g. read back from a file.
    /// </summary>
    /// <exception cref="ArgumentException">The weights are not D·C finite values, or C &lt; 2.</exception>
    public static MultinomialLogisticRegression FromWeights(double[] weights, int dimension, int classes,
        LogisticRegressionFitInfo fit)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        if (weights.Length != (long)dimension * classes)
            throw new ArgumentException($"{weights.Length} weights for [{dimension}, {classes}]", nameof(weights));
        if (weights.Any(w => !double.IsFinite(w)))
            throw new ArgumentException("the weights hold NaN or infinite values", nameof(weights));
        return new MultinomialLogisticRegression((double[])weights.Clone(), dimension, classes, fit);
    }

    /// <summary>Logits xᵀW [N, C] in the features' dtype and device.</summary>
    public Tensor Logits(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.ndim != 2 || features.shape[1] != Dimension)
            throw new ArgumentException(
                $"features must be [N, {Dimension}], got {FeaturePreprocessing.Shape(features)}", nameof(features));
        using var w = torch.tensor(_weights, [Dimension, Classes], float64, features.device);
        using var wt = w.to(features.dtype);
        return features.mm(wt);
    }

    /// <summary>The most likely class of every row of <paramref name="features"/> [N, D].</summary>
    public int[] Predict(Tensor features)
    {
        using var scope = torch.NewDisposeScope();
        return Logits(features).argmax(1).to(int32).cpu().data<int>().ToArray();
    }

    /// <summary>Top-1 accuracy (a fraction in [0, 1]) on <paramref name="features"/> and
    /// <paramref name="labels"/>.</summary>
    public double Accuracy(Tensor features, IReadOnlyList<int> labels) =>
        EvaluationMath.Accuracy(Predict(features), labels);

    internal static int[] CheckLabels(Tensor features, IReadOnlyList<int> labels, int numClasses)
    {
        if (features.ndim != 2)
            throw new ArgumentException($"features must be [n, D], got {FeaturePreprocessing.Shape(features)}",
                nameof(features));
        if (labels.Count != features.shape[0])
            throw new ArgumentException($"{labels.Count} labels for {features.shape[0]} feature rows", nameof(labels));
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 2);
        var y = labels.ToArray();
        foreach (int label in y)
            if ((uint)label >= (uint)numClasses)
                throw new ArgumentOutOfRangeException(nameof(labels), label, $"labels must be in [0, {numClasses})");
        return y;
    }
}
