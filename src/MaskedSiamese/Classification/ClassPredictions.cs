namespace MaskedSiamese.Classification;

/// <summary>
/// Class probabilities of the readable items of an image source: row r belongs to source item <see cref="Indices"/>[r]
/// (label <see cref="Labels"/>[r], −1 when unknown); <see cref="Unreadable"/> lists the items that could not be read.
/// </summary>
public sealed class ClassPredictions
{
    private readonly double[] _probabilities;

    /// <summary>Wraps probabilities [N, C] row-major.</summary>
    public ClassPredictions(IReadOnlyList<string> classNames, IReadOnlyList<int> indices, IReadOnlyList<int> labels,
        IReadOnlyList<int> unreadable, double[] probabilities)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(unreadable);
        ArgumentNullException.ThrowIfNull(probabilities);
        if (probabilities.Length != (long)indices.Count * classNames.Count || labels.Count != indices.Count)
            throw new ArgumentException($"{probabilities.Length} probabilities for {indices.Count} rows × " +
                $"{classNames.Count} classes");
        ClassNames = classNames;
        Indices = indices;
        Labels = labels;
        Unreadable = unreadable;
        _probabilities = probabilities;
    }

    /// <summary>Class names in class order.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Source index of every row.</summary>
    public IReadOnlyList<int> Indices { get; }

    /// <summary>Known label of every row (−1 when unknown).</summary>
    public IReadOnlyList<int> Labels { get; }

    /// <summary>Source items that could not be read (no row).</summary>
    public IReadOnlyList<int> Unreadable { get; }

    /// <summary>Number of rows.</summary>
    public int Count => Indices.Count;

    /// <summary>The probabilities of row <paramref name="row"/>, one per class.</summary>
    public ReadOnlySpan<double> Probabilities(int row) =>
        _probabilities.AsSpan(row * ClassNames.Count, ClassNames.Count);

    /// <summary>The most likely class of row <paramref name="row"/>.</summary>
    public int Predicted(int row) => TopK(row, 1)[0].Class;

    /// <summary>The <paramref name="k"/> most likely classes of row <paramref name="row"/>, most likely first (ties:
    /// lower class index first).</summary>
    public (int Class, double Probability)[] TopK(int row, int k)
    {
        var p = Probabilities(row).ToArray();
        return Enumerable.Range(0, p.Length).OrderByDescending(c => p[c]).ThenBy(c => c)
            .Take(Math.Clamp(k, 1, p.Length)).Select(c => (c, p[c])).ToArray();
    }
}
