using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Evaluation;

/// <summary>
/// The feature table of the library: features of the readable items of an image source: row r belongs to source item
/// <see cref="Indices"/>[r] with label <see cref="Labels"/>[r] (−1 when unlabeled); <see cref="Dropped"/> lists the
/// items that could not be read. Owns <see cref="Features"/>.
/// </summary>
public sealed class FeatureTable : IDisposable
{
    /// <summary>Wraps features and their bookkeeping (takes ownership of <paramref name="features"/>).</summary>
    public FeatureTable(Tensor features, IReadOnlyList<int> indices, IReadOnlyList<int> labels,
        IReadOnlyList<int> dropped)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(dropped);
        if (features.ndim != 2 || features.shape[0] != indices.Count || labels.Count != indices.Count)
            throw new ArgumentException($"features [{string.Join(", ", features.shape)}] do not match " +
                $"{indices.Count} indices and {labels.Count} labels");
        Features = features;
        Indices = indices;
        Labels = labels;
        Dropped = dropped;
    }

    /// <summary>A table of precomputed <paramref name="features"/> [N, F] whose row r is item r with
    /// <paramref name="labels"/>[r], none dropped (takes ownership of the tensor).</summary>
    public static FeatureTable Of(Tensor features, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return new FeatureTable(features, Enumerable.Range(0, labels.Count).ToArray(), labels, []);
    }

    /// <summary>Features [N, F], float32 for extracted tables.</summary>
    public Tensor Features { get; }

    /// <summary>Source index of every row.</summary>
    public IReadOnlyList<int> Indices { get; }

    /// <summary>Label of every row (−1 for unlabeled sources).</summary>
    public IReadOnlyList<int> Labels { get; }

    /// <summary>Source items that could not be read (no row).</summary>
    public IReadOnlyList<int> Dropped { get; }

    /// <summary>Number of rows N.</summary>
    public int Count => Indices.Count;

    /// <summary>Feature width F.</summary>
    public int Dimension => (int)Features.shape[1];

    /// <summary>A copy keeping only the rows whose source index is in <paramref name="keep"/> (in this object's
    /// order).</summary>
    public FeatureTable Restrict(IReadOnlySet<int> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        var rows = Enumerable.Range(0, Count).Where(r => keep.Contains(Indices[r])).ToArray();
        using var index = torch.tensor(rows.Select(r => (long)r).ToArray());
        return new FeatureTable(Features.index_select(0, index), rows.Select(r => Indices[r]).ToArray(),
            rows.Select(r => Labels[r]).ToArray(),
            Dropped.Concat(Indices.Where(i => !keep.Contains(i))).Order().ToArray());
    }

    /// <inheritdoc />
    public void Dispose() => Features.Dispose();
}
