using MaskedSiamese.Optimization;

namespace MaskedSiamese.FineTuning;

/// <summary>An AdamW group of one layer, with that layer's learning-rate factor (see
/// <see cref="LayerDecay"/>).</summary>
/// <param name="Group">The optimizer group; its <see cref="AdamWGroup.DecayScheduled"/> says whether it is
/// weight-decayed.</param>
/// <param name="LayerId">0 for the embeddings, i + 1 for block i, L + 1 for the final norm and the head.</param>
/// <param name="LearningRateScale">The factor on the scheduled learning rate.</param>
public sealed record LayerDecayGroup(AdamWGroup Group, int LayerId, double LearningRateScale);
