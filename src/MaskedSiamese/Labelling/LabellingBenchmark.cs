using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Labelling;

/// <summary>What the label page waits for, on synthetic features: a session over <see cref="Images"/> images.</summary>
/// <param name="Images">Images in the session.</param>
/// <param name="Dimension">Feature width.</param>
/// <param name="OpenSeconds">Creating the session (features copied and prepared).</param>
/// <param name="FirstSuggestionsSeconds">The first suggestions (the cold start's density peaks).</param>
/// <param name="AnswerMilliseconds">One answer at each number of labels in <see cref="Labels"/>: saved to disk
/// (atomically, flushed) and the classifier refitted.</param>
/// <param name="Labels">The numbers of labels at which <see cref="AnswerMilliseconds"/> were taken.</param>
/// <param name="LeastSureMilliseconds">The first page of least sure predictions (every unlabelled image ranked)
/// at the largest number of labels.</param>
/// <param name="LaterSuggestionsSeconds">A round of suggestions at the largest number of labels (k-means into
/// labels + round clusters).</param>
public sealed record LabellingBenchmarkResult(int Images, int Dimension, double OpenSeconds,
    double FirstSuggestionsSeconds, IReadOnlyList<int> Labels, IReadOnlyList<double> AnswerMilliseconds,
    double LeastSureMilliseconds, double LaterSuggestionsSeconds);

/// <summary>Times a labelling session on synthetic features (64 Gaussian blobs, 10 classes) with answers kept in a
/// temporary file, as the label page uses it.</summary>
public static class LabellingBenchmark
{
    /// <summary>Runs the session over <paramref name="images"/> rows of width <paramref name="dimension"/>, answering
    /// up to the largest of <paramref name="labels"/>.</summary>
    public static LabellingBenchmarkResult Run(int images, int dimension, IReadOnlyList<int> labels, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(images, 2);
        if (labels.Count == 0 || labels.Any(l => l < 2 || l >= images))
            throw new ArgumentOutOfRangeException(nameof(labels), "every number of labels must be in [2, images)");
        string folder = Directory.CreateTempSubdirectory("msn-bench-label-").FullName;
        try
        {
            using var scope = NewDisposeScope();
            using var generator = new Generator((ulong)seed);
            using var spread = 3.ToScalar();
            var centres = randn([64, dimension], generator: generator).mul(spread);
            var blob = randint(64, [images], generator: generator);
            var noise = randn([images, dimension], generator: generator);
            var features = centres.index_select(0, blob).add(noise, KeptScalars.One);
            var truth = blob.data<long>().Select(b => (int)(b % 10)).ToArray();
            var classes = Enumerable.Range(0, 10).Select(c => $"class{c}").ToArray();
            var names = Enumerable.Range(0, images).Select(i => $"image{i}.png").ToArray();
            var watch = Stopwatch.StartNew();
            using var session = new LabellingSession(features, names, classes,
                new AnswerStore(Path.Combine(folder, "answers.csv")));
            double open = watch.Elapsed.TotalSeconds;
            watch.Restart();
            session.NextToLabel(1);
            double first = watch.Elapsed.TotalSeconds;
            var times = new List<double>();
            int given = 0;
            foreach (int target in labels.Order())
            {
                // Bulk answers up to one short of the target, then one timed answer, as a click after many.
                var bulk = Enumerable.Range(given, target - 1 - given).Select(i => (i, truth[i])).ToList();
                if (bulk.Count > 0) session.AnswerMany(bulk);
                watch.Restart();
                session.Answer(target - 1, truth[target - 1]);
                times.Add(watch.Elapsed.TotalMilliseconds);
                given = target;
            }
            watch.Restart();
            session.LeastSure(0, 24);
            double leastSure = watch.Elapsed.TotalMilliseconds;
            // Answering the suggestions one by one: the slowest call is the one that chooses the next round.
            double slowest = 0;
            for (int i = 0; i <= 10; i++)
            {
                watch.Restart();
                int next = session.NextToLabel(1)[0];
                slowest = Math.Max(slowest, watch.Elapsed.TotalSeconds);
                session.Answer(next, truth[next]);
            }
            return new LabellingBenchmarkResult(images, dimension, open, first, [.. labels.Order()], times, leastSure,
                slowest);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }
}
