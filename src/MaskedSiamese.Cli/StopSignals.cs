using System.Runtime.InteropServices;

namespace MaskedSiamese.Cli;

/// <summary>
/// Turns the first SIGINT (Ctrl-C) or SIGTERM into a cancellation that training honours after its current step,
/// writing the checkpoint of the step reached; the process then exits 130 or 143 as the shell expects. A second
/// signal ends the process at once.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;

    public StopSignals(CancellationToken outer)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(outer);
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => Stop(c, 130, "interrupt"));
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => Stop(c, 143, "terminate"));
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>128 + the signal number of the first signal received, or null.</summary>
    public int? ExitCode { get; private set; }

    private void Stop(PosixSignalContext context, int exitCode, string name)
    {
        if (ExitCode is not null) return;   // the second signal takes its default course: the process ends now
        ExitCode = exitCode;
        context.Cancel = true;
        Console.Error.WriteLine($"{Environment.NewLine}msn: {name} signal: stopping after this step and writing its " +
            $"checkpoint (signal again to stop at once)");
        _stop.Cancel();
    }

    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
        _stop.Dispose();
    }
}
