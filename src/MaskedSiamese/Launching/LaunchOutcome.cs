namespace MaskedSiamese.Launching;

/// <summary>How a supervised launch ended.</summary>
/// <param name="ExitCode">The exit code for the whole job: the launcher's, or rank 0's when the launcher had to be
/// stopped (1 when rank 0 did not say).</param>
/// <param name="RankZero">What became of rank 0.</param>
/// <param name="RankZeroExitCode">The exit code rank 0 reported, if it did.</param>
/// <param name="LauncherStopped">The launcher outlived rank 0 by the grace and was stopped.</param>
public sealed record LaunchOutcome(int ExitCode, RankZeroEnding RankZero, int? RankZeroExitCode, bool LauncherStopped);
