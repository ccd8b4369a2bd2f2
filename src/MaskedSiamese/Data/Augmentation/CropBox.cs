namespace MaskedSiamese.Data.Augmentation;

/// <summary>A rectangle of whole pixels inside an image, torchvision's (i, j, h, w).</summary>
/// <param name="Top">First row (i).</param>
/// <param name="Left">First column (j).</param>
/// <param name="Height">Rows (h).</param>
/// <param name="Width">Columns (w).</param>
public readonly record struct CropBox(int Top, int Left, int Height, int Width);
