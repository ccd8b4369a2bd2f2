using MaskedSiamese.Classification;
using SkiaSharp;

namespace MaskedSiamese.Tests.Classification;

/// <summary>The confusion picture of many classes stays a bounded picture: 560 classes once asked Skia for a surface it
/// could not make (exit 2 in <c>predict --eval</c>).</summary>
public sealed class ConfusionMatrixChartTests
{
    [Fact]
    public void Many_classes_draw_the_most_confused_ones_in_a_bounded_picture()
    {
        const int classes = 600, rows = 3000;
        var names = Enumerable.Range(0, classes).Select(c => $"class-{c:000}-" + new string('x', c % 300)).ToArray();
        var random = new Random(5);
        var probabilities = new double[rows * classes];
        var labels = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            labels[r] = r % classes;
            // Classes 0-9 are always mistaken for class 10; the others right.
            int predicted = labels[r] < 10 ? 10 : labels[r];
            probabilities[r * classes + predicted] = 0.9;
            probabilities[r * classes + random.Next(classes)] += 0.05;
        }
        var predictions = new ClassPredictions(names, Enumerable.Range(0, rows).ToArray(), labels, [], probabilities);
        byte[] png = ConfusionMatrixChart.RenderPng(ConfusionMatrix.From(predictions));
        using var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        Assert.InRange(bitmap.Width, 100, ConfusionMatrixChart.MaxClasses * 44 + 600);
        Assert.InRange(bitmap.Height, 100, ConfusionMatrixChart.MaxClasses * 44 + 700);
    }
}
