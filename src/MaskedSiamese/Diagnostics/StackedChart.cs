using ScottPlot;

namespace MaskedSiamese.Diagnostics;

/// <summary>Several charts one above the other in one PNG: curves with different units against the same x axis
/// (the schedules; k-NN and RankMe of several runs), each on its own scale.</summary>
public static class StackedChart
{
    // Fixed margins line the rows' data areas up under each other, whatever their tick labels' widths.
    private const int Left = 110, Right = 30, Bottom = 45, Top = 15, TitleSpace = 35;

    /// <summary>Renders <paramref name="plots"/> as rows of equal height, the first on top.</summary>
    public static byte[] RenderPng(IReadOnlyList<Plot> plots, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(plots);
        if (plots.Count == 0) throw new ArgumentException("no charts to stack", nameof(plots));
        var multiplot = new Multiplot();
        // A new multiplot holds one empty plot of its own.
        foreach (var own in multiplot.GetPlots()) multiplot.RemovePlot(own);
        foreach (var plot in plots)
        {
            bool titled = !string.IsNullOrEmpty(plot.Axes.Title.Label.Text);
            plot.Layout.Fixed(new PixelPadding(Left, Right, Bottom, titled ? TitleSpace + Top : Top));
            multiplot.AddPlot(plot);
        }
        using var image = multiplot.Render(width, height);
        return image.GetImageBytes(ImageFormat.Png, 100);
    }
}
