using TorchSharp.Modules;

namespace MaskedSiamese.Optimization;

/// <summary>A named group of parameters sharing a learning rate and weight decay, both set before each step.</summary>
/// <param name="Name">The group's name, for logs.</param>
/// <param name="Parameters">The parameters with their names (names key the optimizer state).</param>
/// <param name="DecayScheduled">Whether the weight-decay schedule applies to this group (official: only the
/// decayed-weights group; the others keep decay 0).</param>
public sealed record AdamWGroup(string Name, IReadOnlyList<(string Name, Parameter Parameter)> Parameters,
    bool DecayScheduled)
{
    /// <summary>The learning rate used by the next step.</summary>
    public double LearningRate { get; set; }

    /// <summary>The weight decay used by the next step.</summary>
    public double WeightDecay { get; set; }
}
