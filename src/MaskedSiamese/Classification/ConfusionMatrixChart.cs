using System.Globalization;
using MaskedSiamese.IO;
using SkiaSharp;

namespace MaskedSiamese.Classification;

/// <summary>
/// PNG picture of a <see cref="ConfusionMatrix"/>: true classes down, predicted classes across, each cell shaded by
/// the fraction of its row (so a class with few images reads as clearly as a large one) and labelled with its count.
/// Beyond <see cref="MaxClasses"/> classes it shows the most confused ones (the most errors in their row and column),
/// so that the picture and its memory stay bounded (560 classes once asked for a surface Skia could not make).
/// </summary>
public static class ConfusionMatrixChart
{
    private const int Cell = 44;
    private const int MaxNameLength = 40;

    /// <summary>Classes drawn at most.</summary>
    public const int MaxClasses = 60;

    /// <summary>The picture as PNG bytes.</summary>
    public static byte[] RenderPng(ConfusionMatrix matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int[] shown = Shown(matrix);
        int n = shown.Length;
        using var font = new SKFont(SKTypeface.Default, 13);
        using var paint = new SKPaint { IsAntialias = true };
        float labelWidth = shown.Max(c => font.MeasureText(Name(matrix, c))) + 16;
        int left = (int)Math.Ceiling(labelWidth), top = (int)Math.Ceiling(labelWidth) + 24;
        int width = left + n * Cell + 16, height = top + n * Cell + 40;
        using var surface = SKSurface.Create(new SKImageInfo(Math.Max(width, 480), height))
            ?? throw new InvalidOperationException("no drawing surface");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        for (int a = 0; a < n; a++)
        {
            int support = matrix.Support(shown[a]);
            for (int p = 0; p < n; p++)
            {
                int count = matrix[shown[a], shown[p]];
                DrawCell(canvas, font, paint, left + p * Cell, top + a * Cell, count,
                    support == 0 ? 0 : count / (double)support);
            }
            paint.Color = SKColors.Black;
            canvas.DrawText(Name(matrix, shown[a]), left - 8, top + a * Cell + Cell / 2 + 5, SKTextAlign.Right, font,
                paint);
        }
        DrawColumnLabels(canvas, font, paint, matrix, shown, left, top);
        paint.Color = SKColors.Black;
        canvas.DrawText("predicted class →", left, 18, SKTextAlign.Left, font, paint);
        string which = n < matrix.ClassNames.Count ? string.Create(CultureInfo.InvariantCulture,
            $"the {n} most confused of {matrix.ClassNames.Count} classes; ") : "";
        canvas.DrawText(string.Create(CultureInfo.InvariantCulture, $"rows: true class; {which}accuracy " +
            $"{100 * matrix.Accuracy:F1} % of {matrix.Total}"),
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
        canvas.DrawText(count.ToString(CultureInfo.InvariantCulture), x + Cell / 2f, y + Cell / 2f + 5,
            SKTextAlign.Center, font, paint);
    }

    // Column names are drawn rotated, reading upwards, so long class names fit above narrow columns.
    private static void DrawColumnLabels(SKCanvas canvas, SKFont font, SKPaint paint, ConfusionMatrix matrix,
        int[] shown, int left, int top)
    {
        paint.Color = SKColors.Black;
        for (int p = 0; p < shown.Length; p++)
        {
            canvas.Save();
            canvas.Translate(left + p * Cell + Cell / 2f + 5, top - 8);
            canvas.RotateDegrees(-90);
            canvas.DrawText(Name(matrix, shown[p]), 0, 0, SKTextAlign.Left, font, paint);
            canvas.Restore();
        }
    }

    private static string Name(ConfusionMatrix matrix, int c) =>
        matrix.ClassNames[c].Length <= MaxNameLength
            ? matrix.ClassNames[c]
            : matrix.ClassNames[c][..(MaxNameLength - 1)] + "…";

    // Every class when they fit; else the most confused (errors in the row and the column), in class order.
    private static int[] Shown(ConfusionMatrix matrix)
    {
        int n = matrix.ClassNames.Count;
        if (n <= MaxClasses) return [.. Enumerable.Range(0, n)];
        var errors = new long[n];
        for (int a = 0; a < n; a++)
            for (int p = 0; p < n; p++)
                if (a != p)
                {
                    errors[a] += matrix[a, p];
                    errors[p] += matrix[a, p];
                }
        return [.. Enumerable.Range(0, n).OrderByDescending(c => errors[c]).ThenBy(c => c).Take(MaxClasses).Order()];
    }
}
