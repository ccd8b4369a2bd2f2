namespace MaskedSiamese.Fuzz;

/// <summary>What a target made of one input that met its contract.</summary>
/// <param name="Accepted">A valid result (true) or a typed refusal (false).</param>
/// <param name="Refusal">The refusal's exception type and first line; null when accepted.</param>
/// <param name="AllocatedBytes">Managed bytes the read allocated on its thread.</param>
/// <param name="PeakRssGrowthBytes">Peak resident memory above the level before the read, when measured, else
/// -1.</param>
public sealed record FuzzOutcome(bool Accepted, string? Refusal, long AllocatedBytes, long PeakRssGrowthBytes);
