namespace MaskedSiamese.Tests.Support;

/// <summary>Tests that watch LibTorch's global random generator: xunit runs them alone, after the parallel tests, since
/// any other test drawing from that generator at the same time (training steps seed it) would move it under them.</summary>
[CollectionDefinition(nameof(SerialGlobalRandom), DisableParallelization = true)]
public sealed class SerialGlobalRandom;
