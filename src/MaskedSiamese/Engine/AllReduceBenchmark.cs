using System.Diagnostics;
using TorchSharp;

namespace MaskedSiamese.Engine;

/// <summary>
/// What an all-reduce costs between the processes of a job (<c>msn bench allreduce</c> under <c>mpiexec</c>): the
/// median and fastest of repeated in-place means of float32 buffers, from one float (the latency of the small calls a
/// step makes) to the gradient of ViT-S/16 (the one large call). Every rank runs it; the figures are the calling
/// rank's.
/// </summary>
public static class AllReduceBenchmark
{
    /// <summary>The buffers timed: what each stands for and its number of floats.</summary>
    public static IReadOnlyList<(string What, long Floats)> Buffers { get; } =
    [
        ("1 float (latency)", 1),
        ("K = 1024 vector (Sinkhorn, ME-MAX)", 1_024),
        ("prototypes' gradient 1024 × 256", 262_144),
        ("1 M floats", 1_000_000),
        ("ViT-S/16 projection head", 5_517_568),
        ("ViT-S/16 encoder + head gradient", 27_183_232),
    ];

    /// <summary>Times every buffer of <see cref="Buffers"/> on <paramref name="collective"/>.</summary>
    public static IReadOnlyList<AllReduceTiming> Run(ICollective collective, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(collective);
        var results = new List<AllReduceTiming>();
        foreach (var (what, floats) in Buffers)
        {
            cancellation.ThrowIfCancellationRequested();
            using var buffer = torch.ones(floats);
            int repeats = floats > 10_000_000 ? 7 : floats > 1_000_000 ? 15 : 100;
            collective.AllReduceMean(buffer);   // warm-up: connections and buffers are set up on first use
            var times = new double[repeats];
            for (int i = 0; i < repeats; i++)
            {
                var clock = Stopwatch.StartNew();
                collective.AllReduceMean(buffer);
                times[i] = clock.Elapsed.TotalMilliseconds;
            }
            Array.Sort(times);
            results.Add(new AllReduceTiming(what, floats, times[repeats / 2], times[0], repeats));
        }
        return results;
    }
}
