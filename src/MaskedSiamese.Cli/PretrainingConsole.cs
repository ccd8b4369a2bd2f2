using System.Globalization;
using MaskedSiamese.Cli.Commands;
using MaskedSiamese.Configuration;
using MaskedSiamese.Engine;
using MaskedSiamese.Evaluation;
using MaskedSiamese.Pretraining;
using MaskedSiamese.Selection;
using MaskedSiamese.Training;

namespace MaskedSiamese.Cli;

/// <summary>What <c>msn pretrain</c> prints of a <see cref="PretrainingRun"/>: the plan, a progress bar, the outcome
/// and the evaluation tables. Under several processes rank 0 speaks for the job.</summary>
internal sealed class PretrainingConsole : IPretrainingObserver
{
    private IProgress<TrainingProgress>? _progress;
    private CommunicationMeter? _meter;
    private PretrainingSetup? _setup;

    /// <summary>The training outcome, once training ended.</summary>
    public TrainingOutcome? Outcome { get; private set; }

    /// <inheritdoc />
    public TextWriter? Notes => Console.Error;

    /// <inheritdoc />
    public void Started(PretrainingSetup setup)
    {
        _setup = setup;
        var collective = setup.Context.Collective;
        if (collective.Rank != 0) Console.SetOut(TextWriter.Null);
        var cfg = setup.Config;
        var source = setup.Source;
        string skipped = source.SkippedCount > 0 ? $" ({source.SkippedCount} unreadable, skipped)" : "";
        Console.WriteLine($"MSN pretraining → {setup.Loop.RunFolder}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  data      {cfg.DataLocation()}: {source.Count} images{skipped}, batch {cfg.Criterion.BatchSize}, " +
            $"{setup.Loader.BatchesPerEpoch} steps/epoch × {cfg.Optimization.Epochs} epochs"));
        Console.WriteLine($"  model     {PretrainingSetup.Describe(setup.Recipe.Architecture)}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  views     1 target + 1 anchor at {cfg.Data.RandSize} px (patch_drop {cfg.Data.PatchDrop}), " +
            $"{cfg.Data.FocalViews} focal at {cfg.Data.FocalSize} px"));
        if (collective.WorldSize > 1)
            Console.WriteLine(
                $"  processes {collective.WorldSize} (MPI), batch {cfg.Criterion.BatchSize} per process, " +
                $"{cfg.Criterion.BatchSize * collective.WorldSize} per step");
        Console.WriteLine($"  precision {setup.Precision.Reason}");
        if (setup.Monitor is { } monitor)
            Console.WriteLine($"  monitor   k-NN and RankMe of the target encoder every {monitor.Every} steps and at " +
                $"epoch ends ({monitor.BankImages} bank + {monitor.QueryImages} query images; " +
                $"logging.monitor_every, logging.monitor_data)");
        if (setup.Loop.RunFolder is { } folder)
            Console.WriteLine($"  report    {Path.Combine(folder, RunReport.FileName)}, rewritten at every checkpoint");
        if (setup.Loop.Resume) Console.WriteLine("  resuming  from the latest checkpoint");
        _progress = collective.Rank == 0 ? new ProgressBar() : null;
        _meter = collective is MpiCollective mpi ? new CommunicationMeter(mpi, _progress) : null;
    }

    /// <inheritdoc />
    public void Stepped(TrainingProgress progress)
    {
        (_meter ?? _progress)?.Report(progress);
        if (progress.Last["knn"] is not { } knn || !double.IsFinite(knn)) return;
        ClearBarLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  monitor   step {progress.Step}: k-NN {knn:F1} % on the monitor set, " +
            $"RankMe {progress.Last["rankme"]:F1}"));
    }

    /// <inheritdoc />
    public void Collapsing(CollapseSign sign, bool stopping)
    {
        ClearBarLine();
        Console.Error.WriteLine($"msn: warning: {sign.Message}" +
            (stopping ? "; stopping here (--stop-on-collapse)" : "; add --stop-on-collapse to stop at such a sign"));
    }

    /// <inheritdoc />
    public void Trained(TrainingOutcome outcome)
    {
        Outcome = outcome;
        if (_setup?.Source.SkippedCount is > 0 and var n) Console.WriteLine($"  skipped   {n} unreadable images");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(outcome.Completed ? "Finished" : "Stopped")} at step {outcome.StepsDone} in {outcome.Seconds:F0} s " +
            $"({outcome.MeanStepMilliseconds:F0} ms/step, data wait {outcome.MeanDataWaitMilliseconds:F1} ms/step). " +
            $"Checkpoint: {outcome.LatestCheckpoint}"));
        if (_meter is not null)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  MPI       {_meter.MillisecondsPerStep:F1} ms/step in MPI calls on rank 0 (communication and " +
                $"waiting for the other ranks)"));
        if (_setup?.Loop.RunFolder is { } folder && _setup.Context.IsPrimary)
            Console.WriteLine($"  report    {Path.Combine(folder, RunReport.FileName)} (one page: run, host, " +
                "charts, tables)");
        if (!outcome.Completed) Console.WriteLine("Continue with the same command and --resume.");
        // The training's freed memory goes back before the evaluation allocates beside it.
        else NativeEnvironment.ReturnFreeMemory();
    }

    /// <inheritdoc />
    public void LowShotStarting()
    {
        Console.WriteLine();
        Console.WriteLine("Low-shot evaluation (logistic regression on frozen [CLS] features; 1, 2, 5, 10 labels per " +
            "class, 3 seeded splits) ...");
    }

    /// <inheritdoc />
    public void LowShotDone(LowShotEvaluationResult result, string jsonPath, string chartPath)
    {
        Console.WriteLine();
        Console.Write(LowShotTable.Format(result.Report));
        string curve = Path.Combine(Path.GetDirectoryName(jsonPath)!, "loss_curve.png");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Evaluation took {result.TotalSeconds:F0} s. JSON → {jsonPath}; chart → {chartPath}; " +
            $"loss curve → {curve}"));
    }

    /// <inheritdoc />
    public void SelectionStarting(SelectionEvaluationOptions options)
    {
        Console.WriteLine();
        Console.WriteLine($"Label selection (a simulated labeller: {options.Seeds} seeded pools, budgets " +
            $"{string.Join(", ", options.Budgets)} images) ...");
    }

    /// <inheritdoc />
    public void SelectionDone(IReadOnlyList<SelectionScore> scores, SelectionEvaluationOptions options,
        string? jsonPath, TimeSpan elapsed)
    {
        Console.WriteLine();
        if (scores.Count == 0)
        {
            Console.WriteLine($"Label selection: skipped (fewer training images than the smallest budget, " +
                $"{options.Budgets.Min()})");
            return;
        }
        Console.Write(SelectionReport.Table(scores, options));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Label selection took {elapsed.TotalSeconds:F0} s. JSON → {jsonPath}"));
    }

    // A line of its own under the progress bar, which a terminal redraws in place on stderr.
    private static void ClearBarLine()
    {
        if (!Console.IsErrorRedirected) Console.Error.Write("\r" + new string(' ', 110) + "\r");
    }
}
