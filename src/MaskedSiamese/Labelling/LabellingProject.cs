using System.Globalization;
using System.Text;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Classification;
using MaskedSiamese.Configuration;
using MaskedSiamese.Data;
using MaskedSiamese.Data.Augmentation;
using MaskedSiamese.Engine;
using MaskedSiamese.Evaluation;
using MaskedSiamese.IO;

namespace MaskedSiamese.Labelling;

/// <summary>
/// A labelling project: a folder holding what labelling one image folder produces and needs again after a restart:
/// <c>project.json</c> (images, checkpoint, classes), <c>answers.csv</c> (every answer, saved when given), the
/// features (<c>features/</c>), the thumbnails (<c>thumbnails/</c>) and the export (<c>export/</c>). One process at a
/// time: the folder is locked while open (an OS lock, gone with the process).
/// </summary>
public sealed class LabellingProject : IDisposable
{
    private readonly FolderLock _lock;

    private LabellingProject(string folder, LabellingProjectSettings settings, FolderLock folderLock)
    {
        Folder = folder;
        Settings = settings;
        _lock = folderLock;
        Answers = new AnswerStore(Path.Combine(folder, "answers.csv"));
        Thumbnails = new ThumbnailCache(Path.Combine(folder, "thumbnails"));
    }

    /// <summary>The project folder.</summary>
    public string Folder { get; }

    /// <summary>Images, checkpoint and classes.</summary>
    public LabellingProjectSettings Settings { get; }

    /// <summary>Where the answers are kept.</summary>
    public AnswerStore Answers { get; }

    /// <summary>Thumbnails of the images.</summary>
    public ThumbnailCache Thumbnails { get; }

    /// <summary>The project folder <c>msn label</c> uses for <paramref name="images"/> when none is named: beside it,
    /// <c>FOLDER.labels</c> (never inside, where it would become part of the images).</summary>
    public static string DefaultFolderFor(string images) =>
        Path.GetFullPath(images).TrimEnd(Path.DirectorySeparatorChar) + ".labels";

    /// <summary>
    /// Opens the project in <paramref name="folder"/>, creating it when it holds none. A new project needs the
    /// images, the checkpoint and the classes; an existing one checks that what is named agrees with what it holds
    /// (classes may only be added at the end) and that its checkpoint is unchanged.
    /// </summary>
    /// <exception cref="InvalidDataException">Something named disagrees with the project, or is missing.</exception>
    /// <exception cref="RunFolderInUseException">Another process has the project open.</exception>
    public static LabellingProject Open(string folder, string? images, string? checkpoint,
        IReadOnlyList<string>? classes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        folder = Path.GetFullPath(folder);
        var folderLock = FolderLock.TryAcquire(folder)
            ?? throw new RunFolderInUseException($"{folder}: another msn process has this labelling project open");
        try
        {
            string settingsPath = Path.Combine(folder, "project.json");
            var settings = File.Exists(settingsPath)
                ? Reconcile(LabellingProjectSettings.Read(settingsPath), settingsPath, images, checkpoint, classes)
                : Create(images, checkpoint, classes);
            settings.Write(settingsPath);
            AtomicFile.RemoveStaleTemporaries(folder);
            return new LabellingProject(folder, settings, folderLock);
        }
        catch
        {
            folderLock.Dispose();
            throw;
        }
    }

    private static LabellingProjectSettings Create(string? images, string? checkpoint, IReadOnlyList<string>? classes)
    {
        if (images is null) throw new InvalidDataException("a new labelling project needs the image folder");
        if (checkpoint is null)
            throw new InvalidDataException("a new labelling project needs --checkpoint (the encoder whose " +
                "features choose the images and make the classifier)");
        if (classes is null || classes.Count < 2) throw new InvalidDataException("a new labelling project needs " +
            "--classes with at least two names (a,b,c)");
        CheckClasses(classes);
        string full = Path.GetFullPath(checkpoint);
        if (!File.Exists(full)) throw new FileNotFoundException($"{full}: checkpoint not found");
        return new LabellingProjectSettings(Path.GetFullPath(images), full, FeatureCache.HashFile(full), [.. classes]);
    }

    private static LabellingProjectSettings Reconcile(LabellingProjectSettings saved, string path, string? images,
        string? checkpoint, IReadOnlyList<string>? classes)
    {
        if (images is not null && Path.GetFullPath(images) != saved.Images)
            throw new InvalidDataException($"{path}: this project labels {saved.Images}, not " +
                $"{Path.GetFullPath(images)} (name another --project)");
        if (checkpoint is not null && Path.GetFullPath(checkpoint) != saved.Checkpoint)
            throw new InvalidDataException($"{path}: this project's features come from {saved.Checkpoint}, not " +
                $"{Path.GetFullPath(checkpoint)} (name another --project)");
        if (!File.Exists(saved.Checkpoint)) throw new FileNotFoundException($"{saved.Checkpoint}: the project's " +
            $"checkpoint is gone");
        if (FeatureCache.HashFile(saved.Checkpoint) != saved.CheckpointSha256)
            throw new InvalidDataException($"{saved.Checkpoint}: changed since the project began (SHA-256 " +
                $"differs); start another --project");
        if (classes is null) return saved;
        CheckClasses(classes);
        if (classes.Count < saved.Classes.Count || !classes.Take(saved.Classes.Count).SequenceEqual(saved.Classes))
            throw new InvalidDataException($"--classes {string.Join(',', classes)}: the project has " +
                $"{string.Join(',', saved.Classes)}; classes can only be added at the end");
        return saved with { Classes = [.. classes] };
    }

    private static void CheckClasses(IReadOnlyList<string> classes)
    {
        if (classes.Select(LabelAnswer.ProblemWithClassName).FirstOrDefault(p => p is not null) is { } problem)
            throw new InvalidDataException($"--classes: {problem}");
        if (classes.Distinct().Count() != classes.Count) throw new InvalidDataException("--classes: a class is " +
            "named twice");
    }

    /// <summary>Indexes the image folder (headers only); unreadable files are counted skips.</summary>
    public ImageFolderSource Index(TextWriter? log = null) =>
        ImageFolderSource.Open(Settings.Images, new ImageFolderOptions { Log = log });

    /// <summary>The features of <paramref name="images"/> by the checkpoint's target encoder (the official
    /// last-block [CLS], the checkpoint's evaluation transform), computed once and kept in <c>features/</c>.</summary>
    public FeatureTable Features(ImageFolderSource images, IProgress<(int Done, int Total)>? progress = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        var cache = new FeatureCache(Path.Combine(Folder, "features"));
        using var checkpoint = MsnCheckpoint.LoadAny(Settings.Checkpoint);
        var eval = Transform(checkpoint);
        return cache.GetOrCreate(["label-project", Settings.CheckpointSha256, FeatureCache.Describe(eval),
            FeatureChoice.LastBlock.ToString(), DataFingerprint.Of(images)], () =>
        {
            using var encoder = checkpoint.CreateTargetEncoder();
            return FeatureExtractor.Extract(encoder, images, eval,
                new FeatureExtractorOptions { Progress = progress, Choice = FeatureChoice.LastBlock }, cancellation);
        });
    }

    private static EvalTransform Transform(MsnCheckpoint checkpoint) =>
        EvalTransformResolver.Resolve(checkpoint, EvalTransformChoice.Auto);

    /// <summary>A session over <paramref name="features"/> of <paramref name="images"/> with the saved
    /// answers.</summary>
    public LabellingSession StartSession(ImageFolderSource images, FeatureTable features,
        LabellingSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(features);
        var names = features.Indices.Select(i => RelativeName(images.PathOf(i))).ToArray();
        return new LabellingSession(features.Features, names, Settings.Classes, Answers, options);
    }

    /// <summary>The name of an image in answers and exports: its path relative to the image folder,
    /// '/'-separated.</summary>
    public string RelativeName(string path) => Path.GetRelativePath(Settings.Images, path).Replace('\\', '/');

    /// <summary>
    /// Writes <c>export/labels.csv</c>, <c>export/images/CLASS/…</c> (links to the images; copies where links cannot
    /// be made) and <c>export/classifier.msnc</c> (fitted as <c>msn fit</c> fits: λ by cross-validation, on the
    /// cached features), each replaced atomically.
    /// </summary>
    public LabelExport Export(LabellingSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        string folder = Path.Combine(Folder, "export");
        Directory.CreateDirectory(folder);
        var (items, classes) = session.Labelled();
        string csv = Path.Combine(folder, "labels.csv");
        var text = new StringBuilder("path,label\n");
        for (int i = 0; i < items.Length; i++)
            text.Append(session.Items[items[i]]).Append(',').Append(session.Classes[classes[i]]).Append('\n');
        AtomicFile.WriteAllText(csv, text.ToString());
        string classFolders = WriteClassFolders(folder, session, items, classes);
        // Classes in ordinal name order, as msn fit reads the class folders: the same file as fit on the export.
        var present = classes.Distinct().OrderBy(c => session.Classes[c], StringComparer.Ordinal).ToArray();
        var leftOut = session.Classes.Where((_, c) => !present.Contains(c)).ToList();
        if (present.Length < 2) return new LabelExport(csv, classFolders, null, items.Length, leftOut, null);
        string file = Path.Combine(folder, "classifier.msnc");
        using var checkpoint = MsnCheckpoint.LoadAny(Settings.Checkpoint);
        using var features = session.RawFeatures(items);
        using var classifier = FewShotClassifier.FitOnFeatures(checkpoint, features,
            classes.Select(c => Array.IndexOf(present, c)).ToArray(), present.Select(c => session.Classes[c]).ToArray(),
            new FewShotFitOptions { Transform = Transform(checkpoint), Features = FeatureChoice.LastBlock },
            $"msn label {Settings.Images}");
        classifier.Save(file);
        return new LabelExport(csv, classFolders, file, items.Length, leftOut,
            classifier.Report.CrossValidatedAccuracy);
    }

    // Built beside the old folder and swapped in, so that a reader never sees half of it.
    private string WriteClassFolders(string export, LabellingSession session, int[] items, int[] classes)
    {
        string final = Path.Combine(export, "images");
        string building = Path.Combine(export, $".images.{Environment.ProcessId}.building");
        if (Directory.Exists(building)) Directory.Delete(building, true);
        foreach (int c in classes.Distinct()) Directory.CreateDirectory(Path.Combine(building, session.Classes[c]));
        for (int i = 0; i < items.Length; i++)
        {
            string relative = session.Items[items[i]];
            string source = Path.Combine(Settings.Images, relative);
            string link = Path.Combine(building, session.Classes[classes[i]],
                relative.Replace("/", "__", StringComparison.Ordinal));
            try
            {
                File.CreateSymbolicLink(link, source);
            }
            catch (IOException)
            {
                File.Copy(source, link);
            }
        }
        string old = Path.Combine(export,
            string.Create(CultureInfo.InvariantCulture, $".images.{Environment.ProcessId}.old"));
        if (Directory.Exists(final)) Directory.Move(final, old);
        Directory.Move(building, final);
        if (Directory.Exists(old)) Directory.Delete(old, true);
        return final;
    }

    /// <inheritdoc />
    public void Dispose() => _lock.Dispose();
}
