using MaskedSiamese.Diagnostics;

namespace MaskedSiamese.Engine;

/// <summary>What one step of a training task reports to the loop.</summary>
/// <param name="Loss">The step's loss; a value that is not finite stops the run
/// (<see cref="NonFiniteLossException"/>).</param>
/// <param name="Samples">Examples the step consumed (for images/s).</param>
/// <param name="Metrics">The values to log, in column order (the loop adds step, epoch and timings around
/// them).</param>
public sealed record StepResult(double Loss, int Samples, IReadOnlyList<NamedValue> Metrics)
{
    /// <summary>The value of metric <paramref name="name"/>, or null.</summary>
    public double? this[string name] =>
        Metrics.FirstOrDefault(m => m.Name == name) is { Name: not null } m ? m.Value : null;
}
