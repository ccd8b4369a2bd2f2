using System.Runtime.ExceptionServices;
using MaskedSiamese.Data;
using MaskedSiamese.Data.Augmentation;
using MaskedSiamese.Diagnostics;
using MaskedSiamese.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Evaluation;

/// <summary>
/// Frozen-encoder features of every image of a source: images are decoded and eval-transformed on background
/// threads (one batch ahead) while the encoder, in eval mode and without gradients, runs batch after batch on its
/// own device. Items the source cannot read are dropped and reported in <see cref="FeatureTable.Dropped"/>.
/// </summary>
public static class FeatureExtractor
{
    /// <summary>Encoder features of every readable image of <paramref name="source"/>.</summary>
    /// <param name="encoder">The encoder; switched to eval mode (and left so). Its device is used.</param>
    /// <param name="source">The images.</param>
    /// <param name="eval">The deterministic evaluation transform.</param>
    /// <param name="options">Batch, feature choice, workers, progress.</param>
    /// <param name="cancellation">Stops between batches.</param>
    public static FeatureTable Extract(VisionTransformer encoder, IImageSource source, EvalTransform eval,
        FeatureExtractorOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(eval);
        options ??= new FeatureExtractorOptions();
        options.Validate();
        if (!options.Choice.FinalNorm && options.Choice.Blocks > encoder.Options.Depth)
            throw new FeatureChoiceException($"features {options.Choice}: the encoder has only " +
                $"{encoder.Options.Depth} blocks");
        encoder.eval();
        var device = encoder.PosEmbed.device;
        int side = eval.CropSize;
        return Run(source, image => eval.Apply(image).Data, [3, side, side],
            batch => options.Choice.Forward(encoder, batch), device, options, cancellation);
    }

    /// <summary>
    /// Raw-pixel features: with <paramref name="eval"/> null, the source's own pixels scaled to [0, 1] (one channel
    /// when an image is gray, e.g. Fashion-MNIST's 784 values, as the reference table uses; every image must have
    /// the same size); otherwise the eval-transformed (normalised) image, flattened.
    /// </summary>
    public static FeatureTable ExtractPixels(IImageSource source, EvalTransform? eval,
        FeatureExtractorOptions? options = null, CancellationToken cancellation = default)
    {
        options ??= new FeatureExtractorOptions();
        options.Validate();
        if (eval is not null)
        {
            int side = eval.CropSize;
            return Run(source, image => eval.Apply(image).Data, [3 * side * side], null, CPU, options,
                cancellation);
        }
        ArgumentNullException.ThrowIfNull(source);
        var first = Enumerable.Range(0, source.Count).Select(source.TryGet).FirstOrDefault(i => i is not null)
            ?? throw new InvalidDataException("no readable image in the source");
        bool gray = IsGray(first);
        int length = first.Width * first.Height * (gray ? 1 : 3);
        return Run(source, image => RawPixels(image, gray, length), [length], null, CPU, options, cancellation);
    }

    private static bool IsGray(RgbImage image)
    {
        var p = image.Rgb;
        for (int i = 0; i < p.Length; i += 3)
            if (p[i] != p[i + 1] || p[i] != p[i + 2]) return false;
        return true;
    }

    private static float[] RawPixels(RgbImage image, bool gray, int length)
    {
        var p = image.Rgb;
        int n = image.Width * image.Height;
        if ((gray ? n : 3 * n) != length)
            throw new InvalidDataException($"raw pixel features need images of one size: got " +
                $"{image.Width}×{image.Height}");
        var values = new float[length];
        if (gray)
            for (int i = 0; i < n; i++) values[i] = p[3 * i] / 255f;
        else
            for (int c = 0; c < 3; c++)
                for (int i = 0; i < n; i++) values[c * n + i] = p[3 * i + c] / 255f;   // CHW, as the eval transform
        return values;
    }

    // Prepared images of one batch (plain arrays: nothing to free, but the pipeline frees what it made ahead).
    private sealed record PreparedBatch(int Start, float[]?[] Items) : IDisposable
    {
        public void Dispose() { }
    }

    private static PreparedBatch Prepare(IImageSource source, Func<RgbImage, float[]> prepare, int start, int batchSize,
        int workers, CancellationToken cancellation)
    {
        int count = Math.Min(batchSize, source.Count - start);
        var items = new float[]?[count];
        try
        {
            Parallel.For(0, count,
                new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancellation },
                i =>
                {
                    // Large images wait for room: decode-to-resize memory is bounded across the workers.
                    using var claim = DecodeBudget.Enter(source.PixelCount(start + i));
                    items[i] = source.TryGet(start + i) is { } image ? prepare(image) : null;
                });
        }
        catch (AggregateException e) when (e.Flatten().InnerExceptions.Count == 1)
        {
            // e.g. a source that throws: report its own exception, not the loop's wrapper
            ExceptionDispatchInfo.Capture(e.Flatten().InnerExceptions[0]).Throw();
        }
        return new PreparedBatch(start, items);
    }

    private static FeatureTable Run(IImageSource source, Func<RgbImage, float[]> prepare, long[] itemShape,
        Func<Tensor, Tensor>? forward, Device device, FeatureExtractorOptions options, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(source);
        int total = source.Count, batchSize = options.BatchSize;
        long itemLength = itemShape.Aggregate(1L, (a, d) => a * d);
        // One thread prepares whole batches (each over the workers), two ahead of the encoder.
        using var pipeline = new PrefetchPipeline<PreparedBatch>(0, (total + batchSize - 1) / batchSize,
            workers: 1, prefetch: 2,
            ordinal => Prepare(source, prepare, (int)ordinal * batchSize, batchSize, options.Workers, cancellation),
            cancellation);
        var kept = new List<int>();
        var dropped = new List<int>();
        var rows = new List<float[]>();
        int width = -1;
        using (torch.no_grad())
        {
            foreach (var batch in pipeline.Read())
            {
                var present = new List<float[]>();
                for (int i = 0; i < batch.Items.Length; i++)
                {
                    if (batch.Items[i] is { } item)
                    {
                        if (item.Length != itemLength)
                            throw new InvalidDataException($"item {batch.Start + i}: {item.Length} values, " +
                                $"expected {itemLength}");
                        present.Add(item);
                        kept.Add(batch.Start + i);
                    }
                    else dropped.Add(batch.Start + i);
                }
                if (present.Count > 0) width = Forward(present, itemShape, forward, device, rows);
                options.Progress?.Report((batch.Start + batch.Items.Length, total));
                ManagedGarbage.Collect();
            }
        }
        if (kept.Count == 0) throw new InvalidDataException($"none of the {total} images could be read");
        var all = new float[kept.Count * (long)width];
        for (int r = 0; r < rows.Count; r++) rows[r].CopyTo(all, r * (long)width);
        var labels = kept.Select(source.Label).ToArray();
        return new FeatureTable(torch.tensor(all, [kept.Count, width]), kept, labels, dropped);
    }

    /// <summary>Runs one batch of prepared items through <paramref name="forward"/> (or takes them as they are) and
    /// appends a row per item; returns the feature width.</summary>
    private static int Forward(List<float[]> present, long[] itemShape, Func<Tensor, Tensor>? forward, Device device,
        List<float[]> rows)
    {
        using var scope = torch.NewDisposeScope();
        long itemLength = present[0].Length;
        var flat = new float[present.Count * itemLength];
        for (int i = 0; i < present.Count; i++) present[i].CopyTo(flat, i * itemLength);
        var x = torch.tensor(flat, [present.Count, .. itemShape]).to(device);
        var f = (forward is null ? x : forward(x)).to(float32).cpu().contiguous();
        int width = (int)f.shape[1];
        var values = f.data<float>().ToArray();
        for (int i = 0; i < present.Count; i++) rows.Add(values.AsSpan(i * width, width).ToArray());
        return width;
    }
}
