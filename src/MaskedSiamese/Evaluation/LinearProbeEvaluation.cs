using System.Globalization;

namespace MaskedSiamese.Evaluation;

/// <summary>A <see cref="LinearProbe"/> on all training labels of a checkpoint's frozen features, beside its
/// baselines: <c>msn eval linear</c>.</summary>
public static class LinearProbeEvaluation
{
    /// <summary>Runs the evaluation of <paramref name="checkpointPath"/>.</summary>
    /// <param name="checkpointPath">Ours (.safetensors) or an official .pth.tar.</param>
    /// <param name="options">Data, features, baselines, cache (its low-shot settings are not used).</param>
    /// <param name="probe">Optimiser and stopping rule of the probe (defaults of
    /// <see cref="LinearProbeOptions"/>).</param>
    /// <param name="log">Receives progress lines and one line per unreadable image, if given.</param>
    /// <param name="cancellation">Stops feature extraction between batches.</param>
    public static AllLabelsResult Run(string checkpointPath, LowShotEvaluationOptions? options = null,
        LinearProbeOptions? probe = null, TextWriter? log = null, CancellationToken cancellation = default)
    {
        probe ??= new LinearProbeOptions();
        probe.Validate();
        return AllLabelsEvaluation.Run("linear", checkpointPath, options ?? new LowShotEvaluationOptions(),
            (set, classes) =>
            {
                using var model = LinearProbe.Train(set.Train.Features, set.Train.Labels, classes, probe);
                log?.WriteLine(Describe(set.Name, model));
                return model.Accuracy(set.Test.Features, set.Test.Labels);
            }, log, cancellation);
    }

    /// <summary>One line on how a probe's training ended: solver, steps, convergence, final training loss,
    /// time.</summary>
    public static string Describe(string features, LinearProbe probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        bool sgd = probe.Solver == LinearProbeSolver.Sgd;
        string ending = probe.Converged ? "converged"
            : sgd
                ? "NOT converged (step cap reached; raise --max-steps)"
                : "NOT converged (L-BFGS iteration cap reached)";
        string steps = sgd ? "SGD steps" : "L-BFGS iterations";
        return string.Create(CultureInfo.InvariantCulture,
            $"linear probe on {features}: {ending} after {probe.Steps} {steps}, training loss {probe.Losses[^1]:F4}, " +
            $"{probe.Seconds:F1} s");
    }
}
