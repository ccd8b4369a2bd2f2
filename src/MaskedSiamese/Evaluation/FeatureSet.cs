using static TorchSharp.torch;

namespace MaskedSiamese.Evaluation;

/// <summary>
/// Train and test features of one representation (an MSN encoder, raw pixels, a random encoder…), evaluated on the
/// same splits as the others so results come with their baselines. The tensors stay owned by the caller.
/// </summary>
/// <param name="Name">Name shown in tables, JSON and charts.</param>
/// <param name="Train">Training features [N, D], rows in training-set index order.</param>
/// <param name="Test">Test features [M, D].</param>
public sealed record FeatureSet(string Name, Tensor Train, Tensor Test);
