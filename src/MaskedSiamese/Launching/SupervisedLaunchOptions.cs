namespace MaskedSiamese.Launching;

/// <summary>Options of <see cref="SupervisedLaunch.Run"/>.</summary>
public sealed record SupervisedLaunchOptions
{
    /// <summary>How long the launcher may outlive rank 0 before it is stopped. Long enough for the other ranks to
    /// finalise after a clean end (they finalise together with rank 0), short enough that a job whose collectives
    /// time out after 45 s ends within a minute.</summary>
    public TimeSpan Grace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a stopped launcher is given between SIGTERM (it signals what it started) and
    /// SIGKILL.</summary>
    public TimeSpan StopWait { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Where rank 0 reports to (a Unix socket); null: a new path in the temporary folder.</summary>
    public string? SocketPath { get; init; }

    /// <summary>Refuses impossible values.</summary>
    public void Validate()
    {
        if (Grace < TimeSpan.Zero) throw new ArgumentException($"launch grace {Grace.TotalSeconds} s: must be ≥ 0");
        if (StopWait < TimeSpan.Zero)
            throw new ArgumentException($"launch stop wait {StopWait.TotalSeconds} s: must be ≥ 0");
    }
}
