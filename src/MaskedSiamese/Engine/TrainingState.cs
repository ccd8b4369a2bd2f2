namespace MaskedSiamese.Engine;

/// <summary>Where a run stands, as the loop hands it to a checkpoint and gets it back on resume.</summary>
/// <param name="Step">Global steps completed.</param>
/// <param name="Threads">LibTorch intra-op threads of the run: bit-for-bit continuation needs the same count.</param>
public sealed record TrainingState(long Step, int Threads);
