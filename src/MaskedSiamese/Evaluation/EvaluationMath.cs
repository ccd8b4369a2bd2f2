namespace MaskedSiamese.Evaluation;

/// <summary>Small statistics shared by the evaluation protocols.</summary>
public static class EvaluationMath
{
    /// <summary>Fraction of <paramref name="predictions"/> equal to <paramref name="labels"/>.</summary>
    public static double Accuracy(IReadOnlyList<int> predictions, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(labels);
        if (predictions.Count != labels.Count)
            throw new ArgumentException($"{predictions.Count} predictions for {labels.Count} labels", nameof(labels));
        if (labels.Count == 0) throw new ArgumentException("no labels", nameof(labels));
        int correct = 0;
        for (int i = 0; i < labels.Count; i++)
            if (predictions[i] == labels[i]) correct++;
        return (double)correct / labels.Count;
    }

    /// <summary>Mean and sample standard deviation (n − 1 denominator; 0 for a single value).</summary>
    public static (double Mean, double Std) MeanStd(IReadOnlyCollection<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) throw new ArgumentException("no values", nameof(values));
        double mean = values.Average();
        if (values.Count == 1) return (mean, 0);
        double ss = values.Sum(v => (v - mean) * (v - mean));
        return (mean, Math.Sqrt(ss / (values.Count - 1)));
    }

    /// <summary>Number of classes implied by labels in [0, C): the largest label + 1.</summary>
    public static int ClassCount(IEnumerable<int> labels) => labels.Max() + 1;
}
