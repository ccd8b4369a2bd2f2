namespace MaskedSiamese.Tests.Support;

/// <summary>Tests that read process-wide state run alone: no test of another collection runs beside them. Those that
/// count tensors left to their finalisers (<see cref="Diagnostics.FinalizedTensors"/>) would count another test's;
/// those that check LibTorch's thread count would see another test's training change it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideTestGroup
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Process-wide state";
}
