using System.Diagnostics;
using MaskedSiamese.Diagnostics;
using MaskedSiamese.IO;
using TorchSharp;

namespace MaskedSiamese.Engine;

/// <summary>One run of <see cref="TrainingLoop"/>: the step counter, the timings, and when and where to save and log.
/// Only the primary rank writes files.</summary>
internal sealed class TrainingRun<TBatch> : IDisposable where TBatch : IDisposable
{
    // The first steps of a process are slow (allocator, JIT) and are left out of the mean step time.
    private const int WarmupSteps = 3;

    private readonly ITrainingTask<TBatch> _task;
    private readonly TrainingLoopOptions _options;
    private readonly CheckpointStore? _store;
    private readonly FolderLock? _lock;
    private readonly bool _primary;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private double _stepMsSum, _dataMsSum;
    private long _timedSteps, _firstStep, _lastSaved;
    private int _threads;

    public TrainingRun(ITrainingTask<TBatch> task, TrainingLoopOptions options, StepContext context)
    {
        if (options.Resume && options.Overwrite)
            throw new ArgumentException("a run is either resumed or overwritten, not both", nameof(options));
        _task = task;
        _options = options;
        _primary = context.IsPrimary;
        bool writes = options.RunFolder is not null && _primary;
        // Two runs writing one folder would interleave their logs and checkpoints: the second is refused.
        _lock = writes
            ? FolderLock.TryAcquire(options.RunFolder!) ?? throw new RunFolderInUseException(
                $"{Path.GetFullPath(options.RunFolder!)}: another msn process is training in this folder")
            : null;
        try
        {
            _store = writes ? new CheckpointStore(options.RunFolder!, options.Tag, options.KeepCheckpoints) : null;
        }
        catch
        {
            _lock?.Dispose();
            throw;
        }
        StopStep = Math.Min(task.TotalSteps, options.MaxSteps ?? long.MaxValue);
    }

    /// <summary>Global steps done.</summary>
    public long Step { get; private set; }

    /// <summary>The step this run stops at (the schedule's end or the step limit).</summary>
    public long StopStep { get; }

    /// <summary>Restores or starts the task, writes the config and opens the log (null when nothing is
    /// written).</summary>
    public RunLog? Start()
    {
        _threads = torch.get_num_threads();
        string? resumeFrom = null;
        if (_options.Resume && !_primary)
        {
            // The other processes resume from rank 0's checkpoint, which it reads and sends them (the task's Start):
            // on several machines only the first need hold the run folder.
            resumeFrom = new CheckpointStore(_options.RunFolder ?? ".", _options.Tag, _options.KeepCheckpoints)
                .LatestPath;
        }
        else if (_options.Resume)
        {
            var store = _store ??
                new CheckpointStore(_options.RunFolder ?? ".", _options.Tag, _options.KeepCheckpoints);
            if (!store.HasLatest && File.Exists(Path.Combine(store.Folder, LegacyLatest)))
                throw new FileNotFoundException(
                    $"{Path.Combine(store.Folder, LegacyLatest)}: written before checkpoints were named after " +
                    $"logging.write_tag; rename it to {Path.GetFileName(store.LatestPath)} to resume");
            if (!store.HasLatest) throw new FileNotFoundException($"resume: no checkpoint at {store.LatestPath}");
            resumeFrom = store.LatestPath;
        }
        else if (_store is not null)
        {
            PrepareFreshFolder(_store);
        }
        if (_store is not null)
        {
            // A write killed half-way leaves its temporary file; ours are named after their process.
            AtomicFile.RemoveStaleTemporaries(_options.RunFolder!);
            AtomicFile.RemoveStaleTemporaries(_store.Folder);
        }
        var state = _task.Start(resumeFrom);
        Step = _firstStep = _lastSaved = state.Step;
        if (resumeFrom is not null && state.Threads != _threads && _options.Threads == 0)
        {
            torch.set_num_threads(state.Threads);   // bit-for-bit continuation needs the same thread count
            _threads = state.Threads;
        }
        if (_store is null) return null;
        if (_options.ConfigText is { } text)
            AtomicFile.WriteAllText(Path.Combine(_options.RunFolder!, "config.yaml"), text);
        return new RunLog(_options.RunFolder!, _options.Tag, _options.Resume ? Step : null, _options.TensorBoard);
    }

    /// <summary>The latest checkpoint's name before files were named after the run's tag.</summary>
    private const string LegacyLatest = "latest.safetensors";

    /// <summary>Refuses to replace a run already in the folder unless asked to start over.</summary>
    private void PrepareFreshFolder(CheckpointStore store)
    {
        string folder = _options.RunFolder!;
        string log = Path.Combine(folder, _options.Tag + ".csv");
        // A run that failed before its first step leaves a log with no rows: that is no run to protect.
        string? evidence =
            new[] { store.LatestPath, log, Path.Combine(store.Folder, LegacyLatest), Path.Combine(folder, "log.csv") }
                .Where(f => File.Exists(f) && (!f.EndsWith(".csv", StringComparison.Ordinal) || HasRows(f)))
                .Select(f => Path.GetRelativePath(folder, f)).FirstOrDefault();
        if (evidence is not null && !_options.Overwrite) throw new RunFolderInUseException(folder, evidence);
        if (_options.Overwrite) store.DeleteAll();
    }

    private static bool HasRows(string csv) => File.ReadLines(csv).Skip(1).Any(line => line.Length > 0);

    /// <summary>Books a finished step: timing, log row, checkpoint, progress report.</summary>
    public void StepDone(StepResult result, double stepMs, double dataMs, RunLog? log,
        IProgress<TrainingProgress>? progress)
    {
        long step = Step;
        if (step - _firstStep >= WarmupSteps)
        {
            _stepMsSum += stepMs;
            _dataMsSum += dataMs;
            _timedSteps++;
        }
        Step = step + 1;
        int epoch = (int)(step / _task.StepsPerEpoch);
        bool epochEnd = Step % _task.StepsPerEpoch == 0;
        int every = _options.LogEvery;
        if (every <= 1 || Step == 1 || Step % every == 0 || Step == StopStep || epochEnd)
            log?.Write([new("step", step), new("epoch", epoch), .. result.Metrics, new("ms", stepMs),
                new("data_ms", dataMs)]);
        if (epochEnd) Save((int)(Step / _task.StepsPerEpoch));
        else if (_options.CheckpointEvery > 0 && Step % _options.CheckpointEvery == 0) Save(null);
        double meanStep = _timedSteps > 0 ? _stepMsSum / _timedSteps : stepMs;
        double meanData = _timedSteps > 0 ? _dataMsSum / _timedSteps : dataMs;
        progress?.Report(new TrainingProgress(Step, StopStep, epoch, result, stepMs, dataMs,
            result.Samples * 1000.0 / Math.Max(1e-9, stepMs + dataMs),
            TimeSpan.FromMilliseconds((meanStep + meanData) * (StopStep - Step)),
            _store is not null && _lastSaved == Step, meanStep, meanData, _clock.Elapsed));
    }

    /// <summary>The step of the latest checkpoint written by this process (null when none is on disk).</summary>
    public long? LastSavedStep => _store is not null && _store.HasLatest ? _lastSaved : null;

    /// <summary>Writes the final checkpoint (unless the last step's is current) and the task's reports.</summary>
    public TrainingOutcome Finish(RunLog? log)
    {
        if (_store is not null && (_lastSaved != Step || !_store.HasLatest)) Save(null);
        if (log is not null) _task.WriteReports(_options.RunFolder!, log.CsvPath);
        return new TrainingOutcome(Step, Step >= _task.TotalSteps, _store?.LatestPath, _clock.Elapsed.TotalSeconds,
            _timedSteps > 0 ? _stepMsSum / _timedSteps : 0, _timedSteps > 0 ? _dataMsSum / _timedSteps : 0);
    }

    private void Save(int? completedEpoch)
    {
        if (_store is null) return;
        var state = new TrainingState(Step, _threads);
        _store.Save(path => _task.SaveCheckpoint(path, state), completedEpoch);
        _lastSaved = Step;
    }

    /// <summary>Releases the run folder.</summary>
    public void Dispose() => _lock?.Dispose();
}
