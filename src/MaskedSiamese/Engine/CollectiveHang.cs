using System.Globalization;

namespace MaskedSiamese.Engine;

/// <summary>A collective call that waited past the watchdog's limit: the other processes stopped answering.</summary>
/// <param name="Rank">This process's rank.</param>
/// <param name="Waited">The limit it waited past.</param>
/// <param name="Call">The MPI call that is blocked.</param>
public sealed record CollectiveHang(int Rank, TimeSpan Waited, string Call)
{
    /// <summary>One line for a person: what happened and what to do.</summary>
    public string Message => string.Create(CultureInfo.InvariantCulture,
        $"rank {Rank}: no answer from the other processes for {Waited.TotalSeconds:F0} s in {Call} (a process died " +
        $"or hangs); stopping. The latest checkpoint is intact: restart with --resume");
}
