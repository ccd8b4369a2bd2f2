namespace MaskedSiamese.Training;

/// <summary>Where a run stands, reported after every step.</summary>
/// <param name="Step">Steps done (global).</param>
/// <param name="TotalSteps">Steps this run will do in all.</param>
/// <param name="Epoch">Current 0-based epoch.</param>
/// <param name="Last">The last step's metrics.</param>
/// <param name="ImagesPerSecond">Recent throughput.</param>
/// <param name="Eta">Estimated time to the end.</param>
public sealed record TrainingProgress(long Step, long TotalSteps, int Epoch, StepMetrics Last, double ImagesPerSecond, TimeSpan Eta);
