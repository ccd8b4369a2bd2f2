using System.Globalization;
using MaskedSiamese.IO;
using SkiaSharp;

namespace MaskedSiamese.Classification;

/// <summary>
/// PNG picture of a <see cref="ConfusionMatrix"/>: true classes down, predicted classes across, each cell shaded by
/// the fraction of its row (so a class with few images reads as clearly as a large one) and labelled with its count.
/// </summary>
public static class ConfusionMatrixChart
{
    private const int Cell = 44;

    /// <summary>The picture as PNG bytes.</summary>
    public static byte[] RenderPng(ConfusionMatrix matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int n = matrix.ClassNames.Count;
        using var font = new SKFont(SKTypeface.Default, 13);
        using var paint = new SKPaint { IsAntialias = true };
        float labelWidth = matrix.ClassNames.Max(name => font.MeasureText(name)) + 16;
        int left = (int)Math.Ceiling(labelWidth), top = (int)Math.Ceiling(labelWidth) + 24;
        int width = left + n * Cell + 16, height = top + n * Cell + 40;
        using var surface = SKSurface.Create(new SKImageInfo(width, height)) ?? throw new InvalidOperationException("no drawing surface");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        for (int a = 0; a < n; a++)
        {
            int support = matrix.Support(a);
            for (int p = 0; p < n; p++)
                DrawCell(canvas, font, paint, left + p * Cell, top + a * Cell, matrix[a, p], support == 0 ? 0 : matrix[a, p] / (double)support);
            paint.Color = SKColors.Black;
            canvas.DrawText(matrix.ClassNames[a], left - 8, top + a * Cell + Cell / 2 + 5, SKTextAlign.Right, font, paint);
        }
        DrawColumnLabels(canvas, font, paint, matrix, left, top);
        paint.Color = SKColors.Black;
        canvas.DrawText("predicted class →", left, 18, SKTextAlign.Left, font, paint);
        canvas.DrawText(string.Create(CultureInfo.InvariantCulture, $"rows: true class; accuracy {100 * matrix.Accuracy:F1} % of {matrix.Total}"),
            left, top + n * Cell + 26, SKTextAlign.Left, font, paint);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>Writes the picture to <paramref name="path"/> atomically.</summary>
    public static void SavePng(ConfusionMatrix matrix, string path)
    {
        byte[] png = RenderPng(matrix);
        AtomicFile.Write(path, s => s.Write(png));
    }

    private static void DrawCell(SKCanvas canvas, SKFont font, SKPaint paint, int x, int y, int count, double fraction)
    {
        byte shade = (byte)Math.Round(255 * (1 - 0.85 * fraction));
        paint.Color = new SKColor(shade, shade, 255);
        canvas.DrawRect(x, y, Cell - 1, Cell - 1, paint);
        paint.Color = fraction > 0.55 ? SKColors.White : SKColors.Black;
        canvas.DrawText(count.ToString(CultureInfo.InvariantCulture), x + Cell / 2f, y + Cell / 2f + 5, SKTextAlign.Center, font, paint);
    }

    // Column names are drawn rotated, reading upwards, so long class names fit above narrow columns.
    private static void DrawColumnLabels(SKCanvas canvas, SKFont font, SKPaint paint, ConfusionMatrix matrix, int left, int top)
    {
        paint.Color = SKColors.Black;
        for (int p = 0; p < matrix.ClassNames.Count; p++)
        {
            canvas.Save();
            canvas.Translate(left + p * Cell + Cell / 2f + 5, top - 8);
            canvas.RotateDegrees(-90);
            canvas.DrawText(matrix.ClassNames[p], 0, 0, SKTextAlign.Left, font, paint);
            canvas.Restore();
        }
    }
}
