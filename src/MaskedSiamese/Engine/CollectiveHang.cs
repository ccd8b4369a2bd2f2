using System.Globalization;

namespace MaskedSiamese.Engine;

/// <summary>A collective call that waited past the watchdog's limit: the other processes stopped answering.</summary>
/// <param name="Rank">This process's rank.</param>
/// <param name="Waited">The limit it waited past.</param>
/// <param name="Call">The MPI call that is blocked.</param>
/// <param name="FinishedWith">When the call is <c>MPI_Finalize</c>: the exit code the process was ending with (its
/// work is done, only MPI's farewell hangs); null for a hang during the work.</param>
public sealed record CollectiveHang(int Rank, TimeSpan Waited, string Call, int? FinishedWith = null)
{
    /// <summary>One line for a person: what happened and what to do.</summary>
    public string Message => FinishedWith is null
        ? string.Create(CultureInfo.InvariantCulture,
            $"rank {Rank}: no answer from the other processes for {Waited.TotalSeconds:F0} s in {Call} (a process " +
            $"died or hangs); stopping. The latest checkpoint is intact: restart with --resume")
        : string.Create(CultureInfo.InvariantCulture,
            $"rank {Rank}: {Call} did not return within {Waited.TotalSeconds:F0} s (UCX over TCP can hang at exit); " +
            $"the run's work is done and written, ending");

    /// <summary>The exit code to end the process with: its own when only finalising hung, else
    /// <see cref="CollectiveWatchdog.ExitCode"/>.</summary>
    public int ExitCode => FinishedWith ?? CollectiveWatchdog.ExitCode;
}
