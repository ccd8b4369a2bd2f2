namespace MaskedSiamese.Fuzz;

/// <summary>Figures of one mutation run over a target.</summary>
/// <param name="Target">The target's name.</param>
/// <param name="Executions">Inputs judged: seeds and mutations.</param>
/// <param name="Accepted">Inputs read to a valid result.</param>
/// <param name="Refused">Inputs refused with a typed exception.</param>
/// <param name="Findings">Inputs that broke the contract.</param>
/// <param name="MaxAllocatedBytes">Most managed bytes one input allocated.</param>
/// <param name="Elapsed">Wall time of the run.</param>
public sealed record MutationReport(string Target, long Executions, long Accepted, long Refused, long Findings,
    long MaxAllocatedBytes, TimeSpan Elapsed)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Target}: {Executions} inputs ({Accepted} accepted, {Refused} refused, {Findings} findings), " +
        $"at most {MaxAllocatedBytes >> 10} KiB allocated by one, {Elapsed.TotalSeconds:F1} s, " +
        $"{Executions / Math.Max(Elapsed.TotalSeconds, 1e-3):F0}/s";
}
