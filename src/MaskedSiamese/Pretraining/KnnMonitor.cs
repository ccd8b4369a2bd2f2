using System.Globalization;
using MaskedSiamese.Configuration;
using MaskedSiamese.Data;
using MaskedSiamese.Data.Augmentation;
using MaskedSiamese.Evaluation;
using MaskedSiamese.Training;
using static TorchSharp.torch;

namespace MaskedSiamese.Pretraining;

/// <summary>
/// Whether a run learns, seen while it runs: every few steps the target encoder embeds a fixed labelled monitor set
/// ([CLS] of the last block, in eval mode, as the evaluations read it), and the log gets the k-NN top-1 % of its
/// queries against its memory bank (k 20, cosine, votes weighted by exp(sim / 0.07), as DINO's evaluation) and the
/// RankMe of the bank's embeddings. The images are decoded and transformed once; a measurement is two forward passes
/// without gradients.
/// </summary>
public sealed class KnnMonitor : IStepMonitor, IDisposable
{
    /// <summary>Images of the memory bank (every 30th Fashion-MNIST training image).</summary>
    public const int BankSize = 2000;

    /// <summary>Query images (every 10th Fashion-MNIST test image).</summary>
    public const int QuerySize = 1000;

    private const int BatchSize = 250;
    private readonly Tensor _bank, _queries;
    private readonly int[] _bankLabels, _queryLabels;
    private readonly int _classes;

    /// <summary>A monitor of <paramref name="bank"/> and <paramref name="queries"/>, measuring every
    /// <paramref name="every"/> steps and at every end of an epoch of <paramref name="stepsPerEpoch"/>.</summary>
    public KnnMonitor(IImageSource bank, IImageSource queries, int classes, EvalTransform eval, long every,
        long stepsPerEpoch)
    {
        ArgumentNullException.ThrowIfNull(bank);
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(every);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepsPerEpoch);
        (_bank, _bankLabels) = Images(bank, eval);
        (_queries, _queryLabels) = Images(queries, eval);
        _classes = classes;
        ClassNames = [.. Enumerable.Range(0, classes).Select(c => c.ToString(CultureInfo.InvariantCulture))];
        Every = every;
        StepsPerEpoch = stepsPerEpoch;
    }

    /// <summary>Steps between two measurements (besides those at epoch ends).</summary>
    public long Every { get; }

    /// <summary>Steps per epoch.</summary>
    public long StepsPerEpoch { get; }

    /// <summary>Images in the memory bank.</summary>
    public long BankImages => _bank.shape[0];

    /// <summary>Query images.</summary>
    public long QueryImages => _queries.shape[0];

    /// <inheritdoc />
    public IReadOnlyList<string> Names { get; } = ["knn", "rankme"];

    /// <summary>The names of the classes the labels number (class folders, Fashion-MNIST's ten; by default the
    /// numbers themselves).</summary>
    public IReadOnlyList<string> ClassNames { get; init; }

    /// <summary>The query images' labels, in the order of <see cref="EmbedQueries"/>'s rows.</summary>
    public IReadOnlyList<int> QueryLabels => _queryLabels;

    /// <summary>The monitor <c>logging.monitor_every</c> asks for on the config's data, or null: switched off, or
    /// data without a monitor set (only Fashion-MNIST has one).</summary>
    public static KnnMonitor? ForConfig(MsnConfig config, long stepsPerEpoch, long totalSteps)
    {
        ArgumentNullException.ThrowIfNull(config);
        int asked = config.Logging.MonitorEvery;
        string named = config.Logging.MonitorData;
        var location = DatasetLocation.Parse(named.Length > 0 ? named : config.DataLocation());
        if (asked < 0 || (named.Length == 0 && !location.IsFashionMnist)) return null;
        long every = asked > 0 ? asked : Math.Max(1, (totalSteps + 9) / 10);
        int logEvery = config.Logging.LogEvery;
        every = (every + logEvery - 1) / logEvery * logEvery;   // a step the loop logs
        var eval = EvalTransformResolver.FromConfig(config, config.Meta.ToVitOptions().ImageSize);
        return location.IsFashionMnist
            ? ForFashionMnist(location, eval, every, stepsPerEpoch)
            : ForFolder(location, eval, every, stepsPerEpoch);
    }

    /// <summary>The monitor set of a labelled folder: its <c>train/</c> and <c>val/</c> as bank and queries when it
    /// has them, else every fifth image as a query; at most <see cref="BankSize"/> and
    /// <see cref="QuerySize"/>.</summary>
    /// <exception cref="ConfigException">The folder is missing, unlabelled or too small.</exception>
    public static KnnMonitor ForFolder(DatasetLocation location, EvalTransform eval, long every = 1,
        long stepsPerEpoch = 1)
    {
        ArgumentNullException.ThrowIfNull(location);
        string key = $"logging.monitor_data {location.Text}";
        IImageSource bank, queries;
        try
        {
            (bank, queries) = BankAndQueries(location);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new ConfigException($"{key}: {e.Message}", e);
        }
        int classes = bank.ClassNames.Count;
        if (classes < 2)
            throw new ConfigException($"{key}: needs labelled images (class subfolders, at least 2 classes), found " +
                $"{classes}");
        if (bank.Count < 2 * classes || queries.Count < classes)
            throw new ConfigException($"{key}: {bank.Count} bank and {queries.Count} query images are too few for " +
                $"{classes} classes (at least {2 * classes} and {classes})");
        return new KnnMonitor(Strided(bank, BankSize), Strided(queries, QuerySize), classes, eval, every,
            stepsPerEpoch)
        { ClassNames = bank.ClassNames };
    }

    /// <summary>The Fashion-MNIST monitor set of <paramref name="location"/> under <paramref name="eval"/>.</summary>
    public static KnnMonitor ForFashionMnist(DatasetLocation location, EvalTransform eval, long every = 1,
        long stepsPerEpoch = 1)
    {
        ArgumentNullException.ThrowIfNull(location);
        var train = Strided(location.OpenFashionMnist(train: true), BankSize);
        var test = Strided(location.OpenFashionMnist(train: false), QuerySize);
        return new KnnMonitor(train, test, FashionMnist.ClassNames.Count, eval, every, stepsPerEpoch)
        {
            ClassNames = FashionMnist.ClassNames,
        };
    }

    /// <inheritdoc />
    public bool IsDue(long stepsDone) => stepsDone % Every == 0 || stepsDone % StepsPerEpoch == 0;

    /// <inheritdoc />
    public IReadOnlyList<double> Measure(MsnNetworks networks)
    {
        ArgumentNullException.ThrowIfNull(networks);
        var (knn, rankMe) = Measure(networks.TargetEncoder);
        return [knn, rankMe];
    }

    /// <summary>The k-NN top-1 % of <paramref name="encoder"/> on the monitor set and the RankMe of its bank
    /// embeddings; the encoder's mode is left as it was.</summary>
    public (double Knn, double RankMe) Measure(Models.VisionTransformer encoder)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        using var scope = NewDisposeScope();
        var (bank, queries) = InEvalMode(encoder, () => (Embed(encoder, _bank), Embed(encoder, _queries)));
        double knn = 100 * KnnClassifier.Accuracy(bank, _bankLabels, queries, _queryLabels, _classes);
        return (knn, RankMe.Of(bank));
    }

    /// <summary>The [CLS] features [Q, D] (float32) of the query images by <paramref name="encoder"/>, as
    /// <see cref="Measure(Models.VisionTransformer)"/> reads them; the caller disposes them.</summary>
    public Tensor EmbedQueries(Models.VisionTransformer encoder)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        using var scope = NewDisposeScope();
        return InEvalMode(encoder, () => Embed(encoder, _queries)).MoveToOuterDisposeScope();
    }

    // Eval mode and no gradients while measuring; the encoder's mode is put back after.
    private static T InEvalMode<T>(Models.VisionTransformer encoder, Func<T> measure)
    {
        bool training = encoder.training;
        using var noGrad = no_grad();
        encoder.eval();
        try
        {
            return measure();
        }
        finally
        {
            if (training) encoder.train();
        }
    }

    private static Tensor Embed(Models.VisionTransformer encoder, Tensor images)
    {
        var device = encoder.PosEmbed.device;
        var parts = new List<Tensor>();
        for (long start = 0; start < images.shape[0]; start += BatchSize)
        {
            long rows = Math.Min(BatchSize, images.shape[0] - start);
            parts.Add(encoder.ForwardBlocks(images.narrow(0, start, rows).to(device), n: 1).to(float32));
        }
        return cat(parts, 0);
    }

    private static (Tensor Images, int[] Labels) Images(IImageSource source, EvalTransform eval)
    {
        var data = new List<float>();
        var labels = new List<int>();
        int side = eval.CropSize;
        for (int i = 0; i < source.Count; i++)
        {
            if (source.TryGet(i) is not { } image) continue;
            data.AddRange(eval.Apply(image).Data);
            labels.Add(source.Label(i));
        }
        if (labels.Count == 0) throw new InvalidDataException("the monitor set holds no readable image");
        return (tensor(data.ToArray(), [labels.Count, 3, side, side]), [.. labels]);
    }

    private static (IImageSource Bank, IImageSource Queries) BankAndQueries(DatasetLocation location)
    {
        if (Directory.Exists(Path.Combine(location.Text, "train"))) return location.OpenTrainVal();
        var all = location.OpenSplit(train: true);
        var indices = Enumerable.Range(0, all.Count).ToList();
        return (new SubsetSource(all, [.. indices.Where(i => i % 5 != 0)]),
            new SubsetSource(all, [.. indices.Where(i => i % 5 == 0)]));
    }

    // Every (Count / count)-th image: the data sets are stored in no class order, so this is balanced enough.
    private static SubsetSource Strided(IImageSource source, int count)
    {
        int stride = Math.Max(1, source.Count / count);
        var indices = Enumerable.Range(0, Math.Min(count, source.Count)).Select(i => i * stride);
        return new SubsetSource(source, [.. indices]);
    }

    /// <summary>Frees the monitor set.</summary>
    public void Dispose()
    {
        _bank.Dispose();
        _queries.Dispose();
    }
}
