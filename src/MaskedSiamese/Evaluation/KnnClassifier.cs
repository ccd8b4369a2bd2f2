using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Evaluation;

/// <summary>
/// Weighted k-nearest-neighbour classification as in DINO's <c>eval_knn.py</c>: features are L2-normalised, the k
/// training rows of highest cosine similarity vote for their class with weight exp(similarity / T), and the class with
/// the largest summed vote wins. Test rows are processed in batches so 10k × 60k similarities never coexist.
/// </summary>
public static class KnnClassifier
{
    /// <summary>DINO's number of neighbours.</summary>
    public const int DefaultK = 20;

    /// <summary>DINO's vote temperature.</summary>
    public const double DefaultTemperature = 0.07;

    /// <summary>
    /// Predicts a class for every row of <paramref name="test"/> [M, D] from <paramref name="train"/> [N, D] and its
    /// labels. Features need not be normalised (it is done here); centre them first for "cosine on centred" variants.
    /// </summary>
    /// <param name="train">Training features [N, D].</param>
    /// <param name="trainLabels">N labels in [0, <paramref name="numClasses"/>).</param>
    /// <param name="test">Query features [M, D], same dtype and device as <paramref name="train"/>.</param>
    /// <param name="numClasses">C.</param>
    /// <param name="k">Neighbours per query (capped at N).</param>
    /// <param name="temperature">T of the exp(sim / T) vote weights.</param>
    /// <param name="batchSize">Query rows per batch (memory ≈ batchSize × N floats).</param>
    public static int[] Predict(Tensor train, IReadOnlyList<int> trainLabels, Tensor test, int numClasses,
        int k = DefaultK, double temperature = DefaultTemperature, int batchSize = 512)
    {
        ArgumentNullException.ThrowIfNull(test);
        var y = MultinomialLogisticRegression.CheckLabels(train, trainLabels, numClasses);
        if (test.ndim != 2 || test.shape[1] != train.shape[1])
            throw new ArgumentException($"test must be [M, {train.shape[1]}], got {FeaturePreprocessing.Shape(test)}",
                nameof(test));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (!(temperature > 0))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "T must be > 0");
        k = (int)Math.Min(k, train.shape[0]);

        long m = test.shape[0];
        var predictions = new int[m];
        using var outer = torch.NewDisposeScope();
        var trainT = torch.nn.functional.normalize(train, p: 2, dim: 1).t();
        var labels = torch.tensor(y.Select(l => (long)l).ToArray(), device: train.device);
        var invT = torch.tensor(1.0 / temperature, train.dtype, train.device);
        for (long start = 0; start < m; start += batchSize)
        {
            using var scope = torch.NewDisposeScope();
            long rows = Math.Min(batchSize, m - start);
            var query = torch.nn.functional.normalize(test.narrow(0, start, rows), p: 2, dim: 1);
            var (sims, idx) = query.mm(trainT).topk(k, dim: 1);
            var votes = torch.zeros(rows, numClasses, train.dtype, train.device)
                .scatter_add_(1, labels[idx], sims.mul_(invT).exp_());
            votes.argmax(1).to(int32).cpu().data<int>().CopyTo(predictions, (int)start);
        }
        return predictions;
    }

    /// <summary>Top-1 accuracy of <see cref="Predict"/> against <paramref name="testLabels"/>.</summary>
    public static double Accuracy(Tensor train, IReadOnlyList<int> trainLabels, Tensor test,
        IReadOnlyList<int> testLabels, int numClasses, int k = DefaultK, double temperature = DefaultTemperature) =>
        EvaluationMath.Accuracy(Predict(train, trainLabels, test, numClasses, k, temperature), testLabels);
}
