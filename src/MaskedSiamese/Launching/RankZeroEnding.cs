namespace MaskedSiamese.Launching;

/// <summary>What <see cref="SupervisedLaunch"/> learnt of rank 0.</summary>
public enum RankZeroEnding
{
    /// <summary>Rank 0 never reported: it runs on another machine than the launcher, or is not <c>msn</c>.</summary>
    NeverConnected,

    /// <summary>Rank 0 reported its exit code before it ended.</summary>
    Reported,

    /// <summary>Rank 0 ended without reporting: it was killed (by the launcher, when another process or machine was
    /// lost, or from outside).</summary>
    Vanished,

    /// <summary>Rank 0 still ran when the launcher ended.</summary>
    Running,
}
