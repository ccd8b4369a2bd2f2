using static TorchSharp.torch;

namespace MaskedSiamese.Training;

/// <summary>The views of one training step, on the networks' device.</summary>
/// <param name="Target">The unmasked target view [B, 3, S, S].</param>
/// <param name="Anchor">The anchor view [B, 3, S, S], masked with <paramref name="KeepIndex"/>.</param>
/// <param name="Focal">The focal views, each [B, 3, s, s].</param>
/// <param name="KeepIndex">Tokens kept in the anchor view ([1 + keep] shared or [B, 1 + keep]); null = no
/// masking.</param>
public sealed record StepInputs(Tensor Target, Tensor Anchor, IReadOnlyList<Tensor> Focal, Tensor? KeepIndex);
