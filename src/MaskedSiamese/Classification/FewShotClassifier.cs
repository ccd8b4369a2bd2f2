using System.Diagnostics;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Configuration;
using MaskedSiamese.Data;
using MaskedSiamese.Data.Augmentation;
using MaskedSiamese.Evaluation;
using MaskedSiamese.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Classification;

/// <summary>
/// A classifier from a few labelled images on a frozen MSN encoder, the paper's low-shot recipe: the encoder's
/// features, centred per sample and L2-normalised, feed a multinomial logistic regression (L-BFGS) whose λ is chosen
/// by stratified, seeded cross-validation on the labelled images themselves. It holds everything needed to predict
/// (encoder weights, head, class names, feature choice, preprocessing) and saves to one file (<see cref="Save"/>).
/// </summary>
public sealed class FewShotClassifier : IDisposable
{
    private readonly VisionTransformer _encoder;

    internal FewShotClassifier(VisionTransformer encoder, MultinomialLogisticRegression head,
        IReadOnlyList<string> classNames, FeatureChoice features, EvalTransform transform, FewShotFitReport report)
    {
        _encoder = encoder;
        Head = head;
        ClassNames = classNames;
        Features = features;
        Transform = transform;
        Report = report;
    }

    /// <summary>Class names, in the order of the probabilities.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Which encoder output the head reads.</summary>
    public FeatureChoice Features { get; }

    /// <summary>The preprocessing of every image (resize, crop, mean, std).</summary>
    public EvalTransform Transform { get; }

    /// <summary>The logistic-regression head (weights [D, C]).</summary>
    public MultinomialLogisticRegression Head { get; }

    /// <summary>How it was fitted (λ and how it was chosen, cross-validated accuracy, class counts, source).</summary>
    public FewShotFitReport Report { get; }

    /// <summary>The encoder's architecture.</summary>
    public VitOptions Encoder => _encoder.Options;

    /// <summary>The encoder itself, for writers that need its weights (ONNX export).</summary>
    internal VisionTransformer EncoderModel => _encoder;

    /// <summary>
    /// Fits on the labelled images of <paramref name="labelledFolder"/> (class subfolders) with the target encoder of
    /// <paramref name="checkpointPath"/> (ours or an official <c>.pth.tar</c>); unreadable images are reported to
    /// <paramref name="log"/> and left out.
    /// </summary>
    /// <exception cref="InvalidDataException">The folder has no class subfolders, a class has no readable image, or
    /// fewer than two classes.</exception>
    public static FewShotClassifier Fit(string checkpointPath, string labelledFolder, FewShotFitOptions? options = null,
        TextWriter? log = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(checkpointPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(labelledFolder);
        var images = ImageFolderSource.Open(labelledFolder, new ImageFolderOptions { Log = log });
        if (images.ClassNames.Count < 2)
            throw new InvalidDataException(images.ClassNames.Count == 0
                ? $"{images.Root}: no class subfolders (fit needs one folder of images per class)"
                : $"{images.Root}: one class subfolder ('{images.ClassNames[0]}'); a classifier needs at least 2");
        using var checkpoint = MsnCheckpoint.LoadAny(checkpointPath, options?.NumHeads);
        var source = (Path.GetFileName(checkpointPath), FeatureCache.HashFile(checkpointPath));
        return Fit(checkpoint, images, options, source, cancellation);
    }

    /// <summary>Fits on the labelled images of <paramref name="labelled"/> (every item labelled, at least one per class
    /// of its <see cref="IImageSource.ClassNames"/>) with the target encoder of
    /// <paramref name="checkpoint"/>.</summary>
    public static FewShotClassifier Fit(MsnCheckpoint checkpoint, IImageSource labelled,
        FewShotFitOptions? options = null, CancellationToken cancellation = default) =>
        Fit(checkpoint, labelled, options, ("(in memory)", null), cancellation);

    private static FewShotClassifier Fit(MsnCheckpoint checkpoint, IImageSource labelled, FewShotFitOptions? options,
        (string Name, string? Sha256) source, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(labelled);
        options ??= new FewShotFitOptions();
        var watch = Stopwatch.StartNew();
        var transform = options.Transform ?? EvalTransformResolver.Resolve(checkpoint, options.TransformChoice);
        return WithEncoder(checkpoint, options, encoder =>
        {
            using var table = FeatureExtractor.Extract(encoder, labelled, transform, new FeatureExtractorOptions
            {
                BatchSize = options.BatchSize,
                Choice = options.Features,
                Progress = options.Progress,
            }, cancellation);
            return FitHead(encoder, table.Features, [.. table.Labels], [.. labelled.ClassNames], transform, options,
                source, table.Dropped.Count, watch);
        });
    }

    // The classifier owns the encoder; until it exists, a failure disposes it.
    private static FewShotClassifier WithEncoder(MsnCheckpoint checkpoint, FewShotFitOptions options,
        Func<VisionTransformer, FewShotClassifier> build)
    {
        var encoder = checkpoint.CreateTargetEncoder(options.Device);
        try
        {
            return build(encoder);
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Fits on features already extracted by <paramref name="checkpoint"/>'s target encoder with
    /// <paramref name="options"/>' feature choice and transform (e.g. cached by a labelling session): the same
    /// classifier as <see cref="Fit(MsnCheckpoint, IImageSource, FewShotFitOptions?, CancellationToken)"/> on those
    /// images, without computing their features again.
    /// </summary>
    /// <param name="checkpoint">The checkpoint whose encoder made the features (its weights go into the file).</param>
    /// <param name="features">Raw encoder features [n, D] of the labelled images.</param>
    /// <param name="labels">n labels in [0, classNames.Count), every class at least once.</param>
    /// <param name="classNames">Class names.</param>
    /// <param name="options">Feature choice, transform (null: the checkpoint's), λ search.</param>
    /// <param name="sourceName">Where the features came from, for the report.</param>
    public static FewShotClassifier FitOnFeatures(MsnCheckpoint checkpoint, Tensor features, IReadOnlyList<int> labels,
        IReadOnlyList<string> classNames, FewShotFitOptions? options = null, string sourceName = "(features)")
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        options ??= new FewShotFitOptions();
        var watch = Stopwatch.StartNew();
        var transform = options.Transform ?? EvalTransformResolver.Resolve(checkpoint, options.TransformChoice);
        return WithEncoder(checkpoint, options, encoder =>
            FitHead(encoder, features, [.. labels], [.. classNames], transform, options, (sourceName, null), 0, watch));
    }

    private static FewShotClassifier FitHead(VisionTransformer encoder, Tensor features, int[] labels,
        string[] classNames, EvalTransform transform, FewShotFitOptions options, (string Name, string? Sha256) source,
        int unreadable, Stopwatch watch)
    {
        var counts = ClassCounts(classNames, labels);
        using var x = Preprocess(features);
        var (lambda, choice, cv, folds) = ChooseLambda(x, labels, counts, classNames, options);
        var head = MultinomialLogisticRegression.Fit(x, labels, classNames.Length,
            options.Solver with { Lambda = lambda });
        var report = new FewShotFitReport(lambda, choice, cv, folds, options.Seed, counts, head.Accuracy(x, labels),
            head.FitInfo.Converged, head.FitInfo.Iterations, unreadable, source.Name, source.Sha256,
            watch.Elapsed.TotalSeconds);
        return new FewShotClassifier(encoder, head, classNames, options.Features, transform, report);
    }

    private static int[] ClassCounts(string[] classNames, int[] labels)
    {
        if (ClassNameRule.ProblemWith(classNames) is { } problem) throw new InvalidDataException(problem);
        if (classNames.Length < 2)
            throw new InvalidDataException($"a classifier needs at least 2 classes, the labelled images have " +
                $"{classNames.Length}");
        if (labels.Any(l => l < 0 || l >= classNames.Length))
            throw new InvalidDataException("every labelled image needs a class (a class subfolder)");
        var counts = new int[classNames.Length];
        foreach (int l in labels) counts[l]++;
        int empty = Array.IndexOf(counts, 0);
        if (empty >= 0) throw new InvalidDataException($"class '{classNames[empty]}' has no readable image");
        return counts;
    }

    // Cross-validation needs two images of every class (one to train on, one to validate); below that the stated
    // fallback λ is used, and the report says so.
    private static (double Lambda, string Choice, double? Accuracy, int Folds) ChooseLambda(Tensor x, int[] labels,
        int[] counts, string[] classNames, FewShotFitOptions options)
    {
        if (!options.CrossValidate) return (options.FallbackLambda, "as given (cross-validation off)", null, 0);
        int smallest = counts.Min();
        if (smallest < 2)
            return (options.FallbackLambda,
                $"the stated default (the official low-shot λ): cross-validation needs 2 images of every class, " +
                $"'{classNames[Array.IndexOf(counts, smallest)]}' has 1",
                null, 0);
        var search = LambdaSearch.CrossValidate(x, labels, classNames.Length, options.LambdaGrid, options.Folds,
            options.Seed, options.Solver);
        var best = search.Scores.First(s => s.Lambda == search.BestLambda);
        return (search.BestLambda, $"stratified {search.Folds}-fold cross-validation (seed {options.Seed}) over " +
            $"{search.Scores.Count} values",
            best.MeanAccuracy, search.Folds);
    }

    /// <summary>Class probabilities of every readable image of <paramref name="images"/> (decoded and transformed in
    /// parallel with the encoder, as <c>msn embed</c>); unreadable ones are listed, never fatal.</summary>
    /// <param name="images">The images.</param>
    /// <param name="batchSize">Images per encoder forward.</param>
    /// <param name="progress">Receives (images done, images total) after every batch.</param>
    /// <param name="cancellation">Stops between batches.</param>
    public ClassPredictions Predict(IImageSource images, int batchSize = 256,
        IProgress<(int Done, int Total)>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0) return new ClassPredictions(ClassNames, [], [], [], []);
        FeatureTable table;
        try
        {
            table = FeatureExtractor.Extract(_encoder, images, Transform,
                new FeatureExtractorOptions { BatchSize = batchSize, Choice = Features, Progress = progress },
                cancellation);
        }
        catch (InvalidDataException) when (images.SkippedCount >= images.Count)
        {
            // Not one file could be read: that is a result to report (every file with its reason), not a failure.
            return new ClassPredictions(ClassNames, [], [], Enumerable.Range(0, images.Count).ToArray(), []);
        }
        using (table)
            return new ClassPredictions(ClassNames, table.Indices, table.Labels, table.Dropped,
                Probabilities(table.Features));
    }

    /// <summary>Probabilities [N, C] (row-major) for encoder features [N, D] of this classifier's feature
    /// choice.</summary>
    public double[] Probabilities(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        using var scope = torch.NewDisposeScope();
        using var x = Preprocess(features);
        return Head.Logits(x).softmax(1).cpu().contiguous().data<double>().ToArray();
    }

    // The low-shot preprocessing in float64, so that the probabilities do not depend on the features' dtype.
    private static Tensor Preprocess(Tensor features)
    {
        using var wide = features.to(float64);
        return FeaturePreprocessing.CenterAndNormalize(wide);
    }

    /// <summary>Writes the classifier to one file (safetensors: encoder weights, head, and JSON metadata with class
    /// names, feature choice, preprocessing, image size and fit report, under a SHA-256 of all of it),
    /// atomically.</summary>
    public void Save(string path) => ClassifierFile.Write(path, this, StateDictLoader.Snapshot(_encoder));

    /// <summary>Reads a classifier written by <see cref="Save"/>; its encoder is placed on
    /// <paramref name="device"/>.</summary>
    /// <exception cref="CheckpointFormatException">Not a classifier file, truncated, or damaged (checksum, shapes,
    /// values).</exception>
    public static FewShotClassifier Load(string path, Device? device = null) => ClassifierFile.Read(path, device);

    /// <summary>Whether <paramref name="path"/> is a classifier file (by its safetensors header alone; nothing else is
    /// read or checked). False for any other file, including one that is not safetensors.</summary>
    public static bool IsClassifierFile(string path) => ClassifierFile.IsClassifier(path);

    /// <inheritdoc />
    public void Dispose() => _encoder.Dispose();
}
