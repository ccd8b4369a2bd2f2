namespace MaskedSiamese.Diagnostics;

/// <summary>What <see cref="RunComparisonChart"/> draws the runs' monitor against.</summary>
public enum RunComparisonAxis
{
    /// <summary>Minutes of training: which run learns faster on this host.</summary>
    Minutes,

    /// <summary>Steps done: which run learns more per step, whatever a step costs.</summary>
    Steps,
}
