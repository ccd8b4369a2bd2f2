using MaskedSiamese.Engine;

namespace MaskedSiamese.Cli;

/// <summary>
/// Time this rank spent inside MPI calls per training step, counted as the step times are (after the first
/// <see cref="WarmupSteps"/> steps of the run, which hold the start-up broadcasts and the ranks' first-step skew);
/// forwards every report to the progress display.
/// </summary>
internal sealed class CommunicationMeter(MpiCollective mpi, IProgress<TrainingProgress>? inner)
    : IProgress<TrainingProgress>
{
    private const int WarmupSteps = 3;
    private long _firstStep = -1;
    private long _timedSteps;
    private TimeSpan _atStart;

    /// <summary>Mean milliseconds per timed step in MPI calls (communication and waiting for the other
    /// ranks).</summary>
    public double MillisecondsPerStep =>
        _timedSteps > 0 ? (mpi.CommunicationTime - _atStart).TotalMilliseconds / _timedSteps : double.NaN;

    /// <inheritdoc />
    public void Report(TrainingProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (_firstStep < 0) _firstStep = value.Step - 1;
        long done = value.Step - _firstStep;
        if (done == WarmupSteps) _atStart = mpi.CommunicationTime;
        else if (done > WarmupSteps) _timedSteps = done - WarmupSteps;
        inner?.Report(value);
    }
}
