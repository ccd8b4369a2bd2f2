namespace MaskedSiamese.Data.Augmentation;

/// <summary>
/// Separable bilinear resampling with half-pixel centres (PyTorch's <c>align_corners=False</c>). With antialiasing the
/// triangle filter is widened by the downscaling factor, which is the algorithm PIL and PyTorch's
/// <c>interpolate(antialias=True)</c> share; without it, or when upscaling, it is plain bilinear interpolation.
/// </summary>
internal static class Resampler
{
    /// <summary>Resamples the <paramref name="box"/> of <paramref name="source"/> to
    /// <paramref name="width"/>×<paramref name="height"/>.</summary>
    public static FloatImage Resize(FloatImage source, CropBox box, int width, int height, bool antialias)
    {
        var horizontal = Weights.For(box.Width, width, antialias);
        var vertical = Weights.For(box.Height, height, antialias);
        var result = new FloatImage(width, height);
        // Horizontal pass over the crop's rows first, into one reusable plane.
        var rows = new float[box.Height * width];
        for (int c = 0; c < 3; c++)
        {
            var src = source.Plane(c);
            for (int y = 0; y < box.Height; y++)
            {
                var line = src.Slice((box.Top + y) * source.Width + box.Left, box.Width);
                horizontal.ApplyToLine(line, rows.AsSpan(y * width, width));
            }
            vertical.ApplyToRows(rows, width, result.Plane(c));
        }
        return result;
    }

    private sealed class Weights
    {
        private readonly int[] _start;
        private readonly int[] _count;
        private readonly float[] _w;
        private readonly int _taps;

        private Weights(int[] start, int[] count, float[] w, int taps)
        {
            _start = start;
            _count = count;
            _w = w;
            _taps = taps;
        }

        public static Weights For(int inSize, int outSize, bool antialias)
        {
            double scale = (double)inSize / outSize;
            double filterScale = antialias ? Math.Max(scale, 1.0) : 1.0;
            double support = filterScale; // the triangle filter's support is 1, widened when antialiasing
            int taps = (int)Math.Ceiling(support) * 2 + 1;
            var start = new int[outSize];
            var count = new int[outSize];
            var w = new float[outSize * taps];
            for (int o = 0; o < outSize; o++)
            {
                double centre = (o + 0.5) * scale;
                int lo = Math.Max((int)Math.Floor(centre - support + 0.5), 0);
                int hi = Math.Min((int)Math.Floor(centre + support + 0.5), inSize);
                double sum = 0;
                int n = 0;
                for (int k = lo; k < hi && n < taps; k++, n++)
                {
                    double v = Math.Max(0.0, 1.0 - Math.Abs((k - centre + 0.5) / filterScale));
                    w[o * taps + n] = (float)v;
                    sum += v;
                }
                if (sum > 0)
                    for (int k = 0; k < n; k++) w[o * taps + k] = (float)(w[o * taps + k] / sum);
                start[o] = lo;
                count[o] = n;
            }
            return new Weights(start, count, w, taps);
        }

        /// <summary>Filters the columns of <paramref name="input"/> (rows of <paramref name="width"/>) row by
        /// row.</summary>
        public void ApplyToRows(ReadOnlySpan<float> input, int width, Span<float> output)
        {
            for (int o = 0; o < _start.Length; o++)
            {
                var dst = output.Slice(o * width, width);
                for (int k = 0; k < _count[o]; k++)
                    RowMath.MultiplyAdd(dst, input.Slice((_start[o] + k) * width, width), _w[o * _taps + k]);
            }
        }

        /// <summary>Filters one contiguous line.</summary>
        public void ApplyToLine(ReadOnlySpan<float> input, Span<float> output)
        {
            for (int o = 0; o < _start.Length; o++)
            {
                int s = _start[o], baseW = o * _taps;
                float acc = 0;
                for (int k = 0; k < _count[o]; k++) acc += _w[baseW + k] * input[s + k];
                output[o] = acc;
            }
        }
    }
}
