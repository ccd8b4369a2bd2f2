using ScottPlot;

namespace MaskedSiamese.Diagnostics;

/// <summary>A PNG of a 2-D map of embeddings (<see cref="Tsne"/>): one dot a point, one colour a class, with a
/// legend of the class names. The axes have no units: only which points lie near which others means
/// something.</summary>
public static class EmbeddingMapChart
{
    /// <summary>Renders <paramref name="points"/>, coloured by <paramref name="labels"/> (indices into
    /// <paramref name="classNames"/>).</summary>
    /// <exception cref="ArgumentException">Not one label a point, or a label without a class name.</exception>
    public static byte[] RenderPng((double X, double Y)[] points, IReadOnlyList<int> labels,
        IReadOnlyList<string> classNames, string? title = null, int width = 900, int height = 700)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        if (labels.Count != points.Length)
            throw new ArgumentException($"{points.Length} points but {labels.Count} labels", nameof(labels));
        if (labels.Any(l => l < 0 || l >= classNames.Count))
            throw new ArgumentException($"a label outside the {classNames.Count} class names", nameof(labels));
        using var plot = new Plot();
        // Category 10 is ScottPlot's default palette: ten classes (Fashion-MNIST's) get ten distinct colours.
        var palette = new ScottPlot.Palettes.Category10();
        for (int c = 0; c < classNames.Count; c++)
        {
            var members = Enumerable.Range(0, points.Length).Where(i => labels[i] == c).ToArray();
            if (members.Length == 0) continue;
            var dots = plot.Add.Markers(members.Select(i => points[i].X).ToArray(),
                members.Select(i => points[i].Y).ToArray(), MarkerShape.FilledCircle, 4, palette.GetColor(c));
            dots.LegendText = classNames[c];
        }
        plot.XLabel("t-SNE 1");
        plot.YLabel("t-SNE 2");
        if (title is not null) plot.Title(title);
        plot.ShowLegend(Edge.Right);
        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }
}
