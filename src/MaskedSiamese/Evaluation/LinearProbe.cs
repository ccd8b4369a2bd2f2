using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Evaluation;

/// <summary>
/// Linear evaluation on fixed features: a <see cref="LinearProbeHead"/> trained with SGD (Nesterov momentum 0.9, no
/// weight decay) and a cosine learning rate falling to 0 at the last step. The official run trains on augmented images
/// through the frozen encoder; here the features are precomputed, so no augmentation is applied.
/// </summary>
/// <remarks>
/// TorchSharp's SGD keeps the momentum buffer in gradient units and multiplies by the current lr, while the official
/// <c>src/sgd.py</c> folds the lr into the buffer; the two are identical at constant lr and differ only slightly under
/// the cosine schedule.
/// </remarks>
public sealed class LinearProbe : IDisposable
{
    private LinearProbe(LinearProbeHead head, IReadOnlyList<double> epochLosses, double seconds)
    {
        Head = head;
        EpochLosses = epochLosses;
        Seconds = seconds;
    }

    /// <summary>The trained head (owned by this probe; in eval mode).</summary>
    public LinearProbeHead Head { get; }

    /// <summary>Mean training cross-entropy of every epoch.</summary>
    public IReadOnlyList<double> EpochLosses { get; }

    /// <summary>Wall time of the training.</summary>
    public double Seconds { get; }

    /// <summary>Trains a head on <paramref name="features"/> [n, D] and <paramref name="labels"/>.</summary>
    /// <param name="features">Fixed training features [n, D] (the head computes in float32).</param>
    /// <param name="labels">n labels in [0, <paramref name="numClasses"/>).</param>
    /// <param name="numClasses">C.</param>
    /// <param name="options">Schedule and seed (defaults: 10 epochs, batch 256, lr 1.0).</param>
    public static LinearProbe Train(Tensor features, IReadOnlyList<int> labels, int numClasses,
        LinearProbeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        options ??= new LinearProbeOptions();
        options.Validate();
        var y = MultinomialLogisticRegression.CheckLabels(features, labels, numClasses);
        using var x = features.to(float32);
        var watch = Stopwatch.StartNew();
        var generator = new Generator((ulong)options.Seed);
        var head = new LinearProbeHead(features.shape[1], numClasses, options.Normalize, generator);
        head.to(features.device);
        head.train();
        using var targets = torch.tensor(y.Select(l => (long)l).ToArray(), device: features.device);
        using var optimizer = torch.optim.SGD(head.parameters(), options.LearningRate, options.Momentum,
            weight_decay: options.WeightDecay, nesterov: true);
        long n = features.shape[0];
        int stepsPerEpoch = (int)((n + options.BatchSize - 1) / options.BatchSize);
        int totalSteps = stepsPerEpoch * options.Epochs, step = 0;
        var losses = new List<double>();
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            // The generator lives on the CPU, so the permutation is drawn there and moved.
            using var cpuOrder = torch.randperm(n, generator: generator);
            using var order = cpuOrder.to(features.device);
            double sum = 0;
            for (long start = 0; start < n; start += options.BatchSize)
            {
                using var scope = torch.NewDisposeScope();
                foreach (var group in optimizer.ParamGroups)
                    group.LearningRate = options.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * step / totalSteps));
                var rows = order.narrow(0, start, Math.Min(options.BatchSize, n - start));
                var loss = nn.functional.cross_entropy(head.call(x.index_select(0, rows)),
                    targets.index_select(0, rows));
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                sum += loss.item<float>() * rows.shape[0];
                step++;
            }
            losses.Add(sum / n);
        }
        head.eval();
        return new LinearProbe(head, losses, watch.Elapsed.TotalSeconds);
    }

    /// <summary>The most likely class of every row of <paramref name="features"/> [N, D].</summary>
    public int[] Predict(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        return Head.call(features.to(float32)).argmax(1).to(int32).cpu().data<int>().ToArray();
    }

    /// <summary>Top-1 accuracy on <paramref name="features"/> and <paramref name="labels"/>.</summary>
    public double Accuracy(Tensor features, IReadOnlyList<int> labels) =>
        EvaluationMath.Accuracy(Predict(features), labels);

    /// <inheritdoc />
    public void Dispose() => Head.Dispose();
}
