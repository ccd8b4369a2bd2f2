using System.Numerics;

namespace MaskedSiamese.Data.Augmentation;

/// <summary>
/// The one vectorised kernel that the separable filters share: accumulating a weighted row. Vertical passes are written
/// as sums of whole rows so they stream through memory and use SIMD, instead of walking columns with a stride.
/// </summary>
internal static class RowMath
{
    /// <summary><c>destination[i] += weight · source[i]</c> for every i.</summary>
    public static void MultiplyAdd(Span<float> destination, ReadOnlySpan<float> source, float weight)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && destination.Length >= Vector<float>.Count)
        {
            var w = new Vector<float>(weight);
            for (; i <= destination.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var d = new Vector<float>(destination[i..]);
                (d + w * new Vector<float>(source[i..])).CopyTo(destination[i..]);
            }
        }
        for (; i < destination.Length; i++) destination[i] += weight * source[i];
    }
}
