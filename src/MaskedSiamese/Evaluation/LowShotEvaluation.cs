using System.Diagnostics;
using System.Globalization;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Data;
using MaskedSiamese.Data.Augmentation;
using MaskedSiamese.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Evaluation;

/// <summary>
/// The low-shot evaluation of a checkpoint, end to end: open the labelled train/test images, extract the features
/// of the checkpoint's target encoder and, on the same images, of the baselines (raw pixels and a randomly
/// initialised encoder of the same architecture), all through the feature cache, then run
/// <see cref="LowShotProtocol"/> on shared splits. <c>msn eval lowshot</c> and the end of <c>msn pretrain</c> call it.
/// </summary>
public static class LowShotEvaluation
{
    /// <summary>Name of the checkpoint's feature set.</summary>
    public const string MsnName = "msn";

    /// <summary>Name of the raw-pixel baseline.</summary>
    public const string PixelsName = "pixels";

    /// <summary>Name of the random-encoder baseline.</summary>
    public const string RandomName = "random-init";

    /// <summary>Runs the evaluation of <paramref name="checkpointPath"/> (ours or an official .pth.tar).</summary>
    /// <param name="checkpointPath">The checkpoint.</param>
    /// <param name="options">Data, features, baselines, protocol, cache.</param>
    /// <param name="log">Receives progress lines and one line per unreadable image, if given.</param>
    /// <param name="cancellation">Stops feature extraction between batches.</param>
    public static LowShotEvaluationResult Run(string checkpointPath, LowShotEvaluationOptions? options = null,
        TextWriter? log = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(checkpointPath);
        options ??= new LowShotEvaluationOptions();
        var watch = Stopwatch.StartNew();
        var data = EvaluationData.Open(options.Data, log);
        using var checkpoint = MsnCheckpoint.LoadAny(checkpointPath, options.NumHeads);
        string hash = FeatureCache.HashFile(checkpointPath);
        var eval = options.ResolveTransform(checkpoint);
        log?.WriteLine("transform: " + eval.Describe());
        var protocol = options.Protocol;
        int trainCount = data.Train.Count;
        CheckSplitsFit(data.Train, protocol, options.Data);
        if (!protocol.IncludeAllLabels && !protocol.IncludeKnn)
            (data, protocol) = OnlyLabelledImages(data, protocol, options.Data);
        var sets = ExtractAll(checkpoint, hash, data, eval, options, options.Baselines, log, cancellation);
        try
        {
            var msn = sets[0];
            if (msn.Train.Labels.Any(l => l < 0) || msn.Test.Labels.Any(l => l < 0))
                throw new InvalidDataException($"{options.Data}: the low-shot evaluation needs labelled train and " +
                    $"val images (class subfolders)");
            if (protocol.GivenSplits is { } given && msn.Train.Count != data.Train.Count)
                protocol = protocol with { GivenSplits = ToRows(given, msn.Train.Indices) };
            var report = LowShotProtocol.Run(sets, protocol, log)
                with
            { TrainCount = trainCount };
            return new LowShotEvaluationResult(report, Path.GetFullPath(checkpointPath), hash, options.Data,
                options.Features.ToString(), FeatureCache.Describe(eval),
                msn.Train.Dropped.Count + msn.Test.Dropped.Count, sets.ToDictionary(s => s.Name, s => s.Seconds),
                watch.Elapsed.TotalSeconds);
        }
        finally
        {
            foreach (var s in sets) s.Dispose();
        }
    }

    /// <summary>
    /// Train and test features of <paramref name="checkpoint"/>'s target encoder (first) and, with
    /// <paramref name="baselines"/>, of raw pixels and of a random encoder, restricted to the images every one of
    /// them could read so that rows align. The caller disposes the result.
    /// </summary>
    /// <param name="checkpoint">The weights.</param>
    /// <param name="checkpointHash">Content hash of the checkpoint (cache key).</param>
    /// <param name="data">The images.</param>
    /// <param name="eval">The transform.</param>
    /// <param name="options">Features, batch, device, cache, seed, progress.</param>
    /// <param name="baselines">Whether to add the two baselines.</param>
    /// <param name="log">Receives one line per representation, if given.</param>
    /// <param name="cancellation">Stops between batches.</param>
    public static IReadOnlyList<FeatureSet> ExtractAll(MsnCheckpoint checkpoint, string checkpointHash,
        EvaluationData data, EvalTransform eval, LowShotEvaluationOptions options, bool baselines,
        TextWriter? log = null, CancellationToken cancellation = default) =>
        ExtractAll(checkpoint, checkpointHash, data, eval, options, baselines, baselines, log, cancellation);

    /// <summary>As the overload above, with the random encoder among the baselines only when
    /// <paramref name="randomEncoder"/> (raw pixels are whenever <paramref name="baselines"/>).</summary>
    public static IReadOnlyList<FeatureSet> ExtractAll(MsnCheckpoint checkpoint, string checkpointHash,
        EvaluationData data, EvalTransform eval, LowShotEvaluationOptions options, bool baselines, bool randomEncoder,
        TextWriter? log = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(eval);
        ArgumentNullException.ThrowIfNull(options);
        var device = options.Device ?? CPU;
        var sets = new List<FeatureSet>();
        try
        {
            string[] common = [FeatureCache.Describe(eval), "features " + options.Features];
            sets.Add(Extract(MsnName, ["checkpoint sha256 " + checkpointHash, .. common], data, options, log,
                () => checkpoint.CreateTargetEncoder(device), eval, cancellation));
            if (baselines)
            {
                if (data.IsFashionMnist)
                    sets.Add(ExtractPixels(["pixels raw"], data, null, options, log, cancellation));
                else
                    sets.Add(ExtractPixels(["pixels eval", FeatureCache.Describe(eval)], data, eval, options, log,
                        cancellation));
                if (randomEncoder)
                    sets.Add(RandomEncoderSet(checkpoint, data, eval, options, common, log, cancellation));
            }
            return Align(sets);
        }
        catch
        {
            foreach (var s in sets) s.Dispose();
            throw;
        }
    }

    // The baseline of an untrained encoder of the same architecture (seeded).
    private static FeatureSet RandomEncoderSet(MsnCheckpoint checkpoint, EvaluationData data, EvalTransform eval,
        LowShotEvaluationOptions options, string[] common, TextWriter? log, CancellationToken cancellation)
    {
        var arch = checkpoint.Architecture;
        return Extract(RandomName, [string.Create(CultureInfo.InvariantCulture,
            $"random encoder seed {options.RandomEncoderSeed} {arch.Vit}"), .. common], data, options, log, () =>
        {
            using var generator = new Generator((ulong)options.RandomEncoderSeed);
            var encoder = new VisionTransformer(arch.Vit, null, generator);
            encoder.to(options.Device ?? CPU);
            return encoder;
        }, eval, cancellation);
    }

    private static FeatureSet Extract(string name, string[] key, EvaluationData data,
        LowShotEvaluationOptions options, TextWriter? log, Func<VisionTransformer> createEncoder,
        EvalTransform eval, CancellationToken cancellation)
    {
        VisionTransformer? encoder = null;
        try
        {
            return Both(name, key, data, options, log, (source, stage) =>
            {
                encoder ??= createEncoder();
                return FeatureExtractor.Extract(encoder, source, eval, ExtractorOptions(options, stage), cancellation);
            });
        }
        finally
        {
            encoder?.Dispose();
        }
    }

    private static FeatureSet ExtractPixels(string[] key, EvaluationData data, EvalTransform? eval,
        LowShotEvaluationOptions options, TextWriter? log, CancellationToken cancellation) =>
        Both(PixelsName, key, data, options, log, (source, stage) =>
            FeatureExtractor.ExtractPixels(source, eval, ExtractorOptions(options, stage), cancellation));

    private static FeatureExtractorOptions ExtractorOptions(LowShotEvaluationOptions options, string stage) => new()
    {
        BatchSize = options.BatchSize,
        Choice = options.Features,
        Progress = options.Progress is { } p ? new Progress(stage, p) : null,
    };

    private sealed class Progress(string stage, IProgress<(string, int, int)> inner) : IProgress<(int Done, int Total)>
    {
        public void Report((int Done, int Total) value) => inner.Report((stage, value.Done, value.Total));
    }

    private static FeatureSet Both(string name, string[] key, EvaluationData data, LowShotEvaluationOptions options,
        TextWriter? log, Func<IImageSource, string, FeatureTable> compute)
    {
        var watch = Stopwatch.StartNew();
        int hitsBefore = options.Cache?.Hits ?? 0;
        FeatureTable Get(IImageSource source, string identity, string stage) => options.Cache is { } cache
            ? cache.GetOrCreate([.. key, identity], () => compute(source, stage))
            : compute(source, stage);
        var train = Get(data.Train, data.TrainIdentity, name + " train");
        FeatureTable test;
        try
        {
            test = Get(data.Test, data.TestIdentity, name + " test");
        }
        catch
        {
            train.Dispose();
            throw;
        }
        bool cached = options.Cache is not null && options.Cache.Hits - hitsBefore == 2;
        double seconds = watch.Elapsed.TotalSeconds;
        log?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {train.Count} train + {test.Count} test features of width {train.Dimension} in {seconds:F1} " +
            $"s{(cached ? " (cached)" : "")}"));
        return new FeatureSet(name, train, test, seconds, cached);
    }

    /// <summary>Given splits index the whole training set; rows skip unreadable images, so renumber (and drop
    /// the unreadable ones from the splits).</summary>
    /// <summary>
    /// Low-shot regimes see only their labelled images, a few hundred of the training set: drawing the splits first
    /// and extracting just those images makes the evaluation many times faster (60k → ≤ 300 images for
    /// Fashion-MNIST). The splits are renumbered to rows of the subset.
    /// </summary>
    private static (EvaluationData, LowShotProtocolOptions) OnlyLabelledImages(EvaluationData data,
        LowShotProtocolOptions protocol, string location)
    {
        var labels = Enumerable.Range(0, data.Train.Count).Select(data.Train.Label).ToList();
        if (labels.Any(l => l < 0))
            throw new InvalidDataException($"{location}: the low-shot evaluation needs labelled train and val images " +
                $"(class subfolders)");
        var splits = protocol.GivenSplits
            ?? LowShotSplits.Draw(labels, protocol.Shots, protocol.Percents, protocol.Seeds);
        int[] needed = splits.SelectMany(s => s.Indices).Distinct().Order().ToArray();
        string identity = data.TrainIdentity + " subset " +
            FeatureCache.Key(needed.Select(i => i.ToString(CultureInfo.InvariantCulture)));
        return (data with { Train = new SubsetSource(data.Train, needed), TrainIdentity = identity },
            protocol with { GivenSplits = ToRows(splits, needed) });
    }

    /// <summary>
    /// Shot counts larger than a class and stored splits that index past the training set are problems with the
    /// request or its files, not with the code: reported as unsuitable data before any feature is extracted.
    /// </summary>
    private static void CheckSplitsFit(IImageSource train, LowShotProtocolOptions protocol, string location)
    {
        if (protocol.GivenSplits is { } given)
        {
            foreach (var split in given)
                if (split.Indices.FirstOrDefault(i => (uint)i >= (uint)train.Count, -1) is var bad and >= 0)
                    throw new InvalidDataException($"split {split.Regime} seed {split.Seed}: index {bad} is outside " +
                        $"the {train.Count} training images of {location}");
            return;
        }
        int maxShots = protocol.Shots.DefaultIfEmpty(0).Max();
        if (maxShots == 0) return;
        var smallest = Enumerable.Range(0, train.Count).GroupBy(train.Label).Where(g => g.Key >= 0)
            .Select(g => (Label: g.Key, Count: g.Count())).OrderBy(c => c.Count).FirstOrDefault();
        if (smallest.Count > 0 && smallest.Count < maxShots)
            throw new InvalidDataException($"{location}: class {smallest.Label} has {smallest.Count} training " +
                $"images, fewer than {maxShots} shots per class");
    }

    private static List<LabelledSplit> ToRows(IReadOnlyList<LabelledSplit> splits, IReadOnlyList<int> sourceIndexOfRow)
    {
        var rowOf = new Dictionary<int, int>();
        for (int r = 0; r < sourceIndexOfRow.Count; r++) rowOf[sourceIndexOfRow[r]] = r;
        return splits.Select(s => s with
        {
            Indices = s.Indices.Where(rowOf.ContainsKey).Select(i => rowOf[i]).ToArray(),
        }).ToList();
    }

    private static List<FeatureSet> Align(List<FeatureSet> sets)
    {
        static HashSet<int> Common(IEnumerable<FeatureTable> parts)
        {
            HashSet<int>? keep = null;
            foreach (var p in parts)
                if (keep is null) keep = [.. p.Indices];
                else keep.IntersectWith(p.Indices);
            return keep ?? [];
        }
        var trainKeep = Common(sets.Select(s => s.Train));
        var testKeep = Common(sets.Select(s => s.Test));
        var result = new List<FeatureSet>();
        foreach (var s in sets)
        {
            if (s.Train.Count == trainKeep.Count && s.Test.Count == testKeep.Count)
            {
                result.Add(s);
                continue;
            }
            var aligned = s with { Train = s.Train.Restrict(trainKeep), Test = s.Test.Restrict(testKeep) };
            s.Dispose();
            result.Add(aligned);
        }
        return result;
    }
}
