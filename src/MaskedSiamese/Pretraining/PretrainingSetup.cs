using MaskedSiamese.Checkpoints;
using MaskedSiamese.Configuration;
using MaskedSiamese.Data;
using MaskedSiamese.Engine;
using MaskedSiamese.Training;

namespace MaskedSiamese.Pretraining;

/// <summary>
/// A pretraining configuration made ready to train: the recipe, the loop's options, the step context (device,
/// precision decided for this run, processes), the data and its loader, the weights to start from and the run's
/// monitor. What the config and the user's files decide is checked here, before the first step; what only the run
/// folder can tell, when the loop starts. <see cref="PretrainingRun"/> trains it; <c>msn bench train</c> times it.
/// </summary>
public sealed class PretrainingSetup : IDisposable
{
    private PretrainingSetup(MsnConfig config, IImageSource source, MultiViewLoader loader, MsnRecipe recipe,
        TrainingLoopOptions loop, StepContext context, PrecisionChoice precision, MsnCheckpoint? initial,
        KnnMonitor? monitor)
    {
        Config = config;
        Source = source;
        Loader = loader;
        Recipe = recipe;
        Loop = loop;
        Context = context;
        Precision = precision;
        InitialWeights = initial;
        Monitor = monitor;
    }

    /// <summary>The run configuration.</summary>
    public MsnConfig Config { get; }

    /// <summary>The pretraining images (unreadable ones skipped and counted).</summary>
    public IImageSource Source { get; }

    /// <summary>The multi-view batches of this process.</summary>
    public MultiViewLoader Loader { get; }

    /// <summary>What is trained.</summary>
    public MsnRecipe Recipe { get; }

    /// <summary>Where and how often the loop writes (no run folder: nothing is written).</summary>
    public TrainingLoopOptions Loop { get; }

    /// <summary>Device, precision and collective.</summary>
    public StepContext Context { get; }

    /// <summary>The precision of this run and why.</summary>
    public PrecisionChoice Precision { get; }

    /// <summary>The weights to start from (<see cref="PretrainingRequest.InitFrom"/>), or null.</summary>
    public MsnCheckpoint? InitialWeights { get; }

    /// <summary>The k-NN and RankMe monitor of the run (<c>logging.monitor_every</c>), or null: switched off, data
    /// without a monitor set, another process than the first, or nothing written.</summary>
    public KnnMonitor? Monitor { get; }

    /// <summary>
    /// Sets up <paramref name="config"/> as <paramref name="request"/> asks: what the config alone decides (device,
    /// architecture, precision rule) is checked first, then the recipe a resume would change is refused (unless
    /// allowed), several processes are joined, the precision is decided once for the run, the starting weights are
    /// checked against the configuration, and the data is opened (unreadable images reported to
    /// <paramref name="log"/>). What only the run folder can tell (a checkpoint to resume, another process in it, a
    /// run to overwrite) the training loop checks when it starts. The run folder is the config's
    /// <c>logging.folder</c>; <paramref name="writeRun"/> false writes nothing (benchmarks: neither resuming nor
    /// overwriting then).
    /// </summary>
    /// <exception cref="ConfigException">The config, the starting weights or the data do not fit, or the request
    /// both resumes and overwrites.</exception>
    public static PretrainingSetup Open(MsnConfig config, PretrainingRequest request, TextWriter? log = null,
        bool writeRun = true)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(request);
        if (request.Resume && request.Overwrite)
            throw new ConfigException("--resume and --overwrite: choose one (continue the run, or start over)");
        if (!writeRun && (request.Resume || request.Overwrite))
            throw new ArgumentException("a setup that writes nothing neither resumes nor overwrites", nameof(request));
        // What the config alone decides is refused before MPI starts: a rank that fails later aborts the job.
        var device = MsnConfigMapping.ToDevice(config.Meta.Device);
        var rule = config.ToPrecisionChoice();
        var architecture = config.ToArchitecture();
        var loop = config.ToLoopOptions() with { Resume = request.Resume, Overwrite = request.Overwrite };
        string latest = new CheckpointStore(loop.RunFolder!, loop.Tag, loop.KeepCheckpoints).LatestPath;
        if (!writeRun) loop = loop with { RunFolder = null };
        if (request.Resume && !request.AllowRecipeChange) RecipeChange.RequireSameAsRecorded(config, latest);
        var collective = Collectives.Current;   // under an MPI launcher MPI starts here, before any work
        var precision = RunPrecision.Resolve(rule, latest, request.Resume, collective);
        var context = new StepContext(device, precision.Precision, collective);
        var initial = request.InitFrom is null || request.Resume ? null : MsnCheckpoint.LoadAny(request.InitFrom);
        MultiViewLoader? loader = null;
        try
        {
            if (initial is not null && initial.Architecture.Vit != architecture.Vit)
                throw new ConfigException(
                    $"--init-from {request.InitFrom}: its encoder ({Describe(initial.Architecture)}) " +
                    $"differs from the config's ({Describe(architecture)})");
            var source = OpenData(config, log);
            // On several machines every one reads its own copy of the data: the copies must hold the same images.
            if (collective.WorldSize > 1)
                CollectiveStart.RequireSameOnAllRanks(collective, ContentFingerprint.Of(source),
                    $"data ({config.DataLocation()}, content fingerprint)");
            loader = new MultiViewLoader(source, config.ToAugmentationOptions(),
                config.ToLoaderOptions() with { Rank = collective.Rank, WorldSize = collective.WorldSize });
            var recipe = config.ToRecipe(loader.BatchesPerEpoch);
            if (initial is not null) recipe = recipe with { Architecture = initial.Architecture };
            loop = loop with { ConfigText = ConfigFileText(recipe.ConfigText, precision) };
            var monitor = writeRun && collective.Rank == 0
                ? KnnMonitor.ForConfig(config, loader.BatchesPerEpoch, recipe.Schedule.TotalSteps)
                : null;
            return new PretrainingSetup(config, source, loader, recipe, loop, context, precision, initial, monitor);
        }
        catch
        {
            loader?.Dispose();
            initial?.Dispose();
            throw;
        }
    }

    /// <summary>The config's pretraining images (unreadable ones reported to <paramref name="log"/>). Fewer images
    /// than one batch is a problem with the data or the batch size the user chose, so it is reported as such before
    /// a loader refuses it.</summary>
    /// <exception cref="ConfigException">Fewer readable images than one batch.</exception>
    public static IImageSource OpenData(MsnConfig config, TextWriter? log)
    {
        string location = config.DataLocation();
        var source = DatasetLocation.Parse(location).OpenPretraining(log);
        int batch = config.Criterion.BatchSize;
        if (source.Count < batch)
            throw new ConfigException($"data {location}: {source.Count} readable images are fewer than one batch of " +
                $"{batch} (criterion.batch_size)");
        return source;
    }

    /// <summary>The run folder's <c>config.yaml</c>: <paramref name="configText"/>, and a note of the precision in use
    /// when the config does not name it (<c>auto</c>, <c>meta.use_fp16</c>). The note stays out of the text that
    /// checkpoints record and processes compare.</summary>
    public static string ConfigFileText(string configText, PrecisionChoice precision)
    {
        ArgumentNullException.ThrowIfNull(precision);
        return precision.NamedByConfig ? configText : configText + $"# precision in use: {precision.Reason}\n";
    }

    /// <summary>Trains to the end of the schedule, the step limit or until cancelled.</summary>
    public TrainingOutcome Train(IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellation = default) =>
        MsnPretraining.Train(Recipe, Loop, Context, Loader, InitialWeights, progress, Monitor, cancellation);

    /// <summary>One line: image size, patch, width, depth, heads, head and prototypes.</summary>
    public static string Describe(Models.EncoderArchitecture a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"ViT {a.Vit.ImageSize} px, patch {a.Vit.PatchSize}, dim {a.Vit.EmbedDim}, depth {a.Vit.Depth}, " +
            $"heads {a.Vit.NumHeads}; head {a.Head?.HiddenDim}→{a.Head?.OutputDim}; {a.NumPrototypes} prototypes");
    }

    /// <summary>Releases the loader, the starting weights and the monitor set.</summary>
    public void Dispose()
    {
        Loader.Dispose();
        InitialWeights?.Dispose();
        Monitor?.Dispose();
    }
}
