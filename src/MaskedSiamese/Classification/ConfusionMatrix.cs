using System.Globalization;
using System.Text;

namespace MaskedSiamese.Classification;

/// <summary>Counts of (true class, predicted class) over the labelled rows of a <see cref="ClassPredictions"/>, with
/// accuracy and per-class precision and recall.</summary>
public sealed class ConfusionMatrix
{
    private readonly int[,] _counts;

    private ConfusionMatrix(IReadOnlyList<string> classNames, int[,] counts)
    {
        ClassNames = classNames;
        _counts = counts;
        Total = Enumerable.Range(0, classNames.Count).Sum(Support);
    }

    /// <summary>Class names, the order of rows and columns.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Labelled rows counted.</summary>
    public int Total { get; }

    /// <summary>Rows of true class <paramref name="actual"/> predicted as <paramref name="predicted"/>.</summary>
    public int this[int actual, int predicted] => _counts[actual, predicted];

    /// <summary>The matrix of the rows of <paramref name="predictions"/> whose label is known.</summary>
    public static ConfusionMatrix From(ClassPredictions predictions)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        int c = predictions.ClassNames.Count;
        var counts = new int[c, c];
        for (int r = 0; r < predictions.Count; r++)
            if (predictions.Labels[r] is >= 0 and var label && label < c) counts[label, predictions.Predicted(r)]++;
        return new ConfusionMatrix(predictions.ClassNames, counts);
    }

    /// <summary>Images of class <paramref name="c"/>.</summary>
    public int Support(int c) => Enumerable.Range(0, ClassNames.Count).Sum(p => _counts[c, p]);

    /// <summary>Images predicted as class <paramref name="c"/>.</summary>
    public int PredictedCount(int c) => Enumerable.Range(0, ClassNames.Count).Sum(a => _counts[a, c]);

    /// <summary>Fraction of counted rows predicted right (NaN when none).</summary>
    public double Accuracy => Total == 0
        ? double.NaN
        : Enumerable.Range(0, ClassNames.Count).Sum(c => _counts[c, c]) / (double)Total;

    /// <summary>Of the rows of class <paramref name="c"/>, the fraction predicted as <paramref name="c"/> (NaN when
    /// none).</summary>
    public double Recall(int c) => Support(c) == 0 ? double.NaN : _counts[c, c] / (double)Support(c);

    /// <summary>Of the rows predicted as <paramref name="c"/>, the fraction that are <paramref name="c"/> (NaN when
    /// none).</summary>
    public double Precision(int c) => PredictedCount(c) == 0 ? double.NaN : _counts[c, c] / (double)PredictedCount(c);

    /// <summary>A text table: one line per class (support, precision, recall), then the accuracy.</summary>
    public string FormatTable()
    {
        int width = Math.Max(5, ClassNames.Max(n => n.Length));
        var sb = new StringBuilder();
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{"class".PadRight(width)}  {"images",7}  " +
            $"{"precision",9}  {"recall",7}"));
        for (int c = 0; c < ClassNames.Count; c++)
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{ClassNames[c].PadRight(width)}  {Support(c),7}  {Percent(Precision(c)),9}  {Percent(Recall(c)),7}"));
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"accuracy {Percent(Accuracy)} on {Total} labelled images"));
        return sb.ToString();
    }

    private static string Percent(double v) =>
        double.IsNaN(v) ? "—" : string.Create(CultureInfo.InvariantCulture, $"{100 * v:F1} %");
}
