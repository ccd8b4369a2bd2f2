using System.Diagnostics;
using MaskedSiamese.Diagnostics;
using MaskedSiamese.Models;
using MaskedSiamese.Platform;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Onnx;

/// <summary>
/// Images per second of encoder inference with TorchSharp against ONNX Runtime on the exported file, on this CPU,
/// at each batch size; the two engines alternate within every round on the same seeded input. Report only.
/// </summary>
public static class InferenceBenchmark
{
    /// <summary>Times <paramref name="encoder"/> (switched to eval mode) and its ONNX export.</summary>
    /// <param name="encoder">The encoder timed and exported.</param>
    /// <param name="options">Batch sizes, rounds, seconds per round, threads.</param>
    /// <param name="log">Receives one line per finished batch size, if given.</param>
    public static IReadOnlyList<InferenceBenchmarkRow> Run(VisionTransformer encoder,
        InferenceBenchmarkOptions? options = null, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        options ??= new InferenceBenchmarkOptions();
        options.Validate();
        using var threadScope = IntraOpThreads.Use(options.Threads);
        int threads = torch.get_num_threads();
        encoder.eval();
        using var session = new OnnxEncoderSession(OnnxEncoderExport.ToBytes(encoder), threads);
        var rows = new List<InferenceBenchmarkRow>();
        foreach (int batch in options.BatchSizes)
        {
            rows.Add(Measure(encoder, session, batch, options));
            log?.WriteLine($"batch {batch}: done ({threads} threads)");
        }
        return rows;
    }

    private static InferenceBenchmarkRow Measure(VisionTransformer encoder, OnnxEncoderSession session, int batch,
        InferenceBenchmarkOptions options)
    {
        int s = encoder.Options.ImageSize;
        using var generator = new Generator(0);
        using var images = torch.randn([batch, 3, s, s], generator: generator);
        float[] flat = images.data<float>().ToArray();
        void Torch()
        {
            using var _ = torch.no_grad();
            using var f = encoder.ForwardBlocks(images, 1);
        }
        void Ort() => session.Run(flat, batch);
        // Warm-up: first calls allocate, plan and (ORT) specialise kernels to the shape.
        Torch();
        Ort();
        var torchMs = new List<double>();
        var ortMs = new List<double>();
        for (int r = 0; r < options.Rounds; r++)
        {
            torchMs.Add(MillisecondsPerCall(Torch, options.SecondsPerRound));
            ortMs.Add(MillisecondsPerCall(Ort, options.SecondsPerRound));
        }
        double tMs = Median.Of(torchMs), oMs = Median.Of(ortMs);
        return new InferenceBenchmarkRow(batch, 1000.0 * batch / tMs, 1000.0 * batch / oMs, tMs, oMs,
            RelativeDifference(encoder, images, session.Run(flat, batch)), options.Rounds);
    }

    private static double MillisecondsPerCall(Action call, double seconds)
    {
        var clock = Stopwatch.StartNew();
        int calls = 0;
        do
        {
            call();
            calls++;
        } while (clock.Elapsed.TotalSeconds < seconds);
        return clock.Elapsed.TotalMilliseconds / calls;
    }

    private static double RelativeDifference(VisionTransformer encoder, Tensor images, float[] ort)
    {
        using var scope = NewDisposeScope();
        using var _ = torch.no_grad();
        var ours = encoder.ForwardBlocks(images, 1).to(float64);
        var theirs = torch.tensor(ort).reshape(ours.shape).to(float64);
        return (theirs - ours).abs().max().item<double>() / ours.abs().max().item<double>();
    }
}
