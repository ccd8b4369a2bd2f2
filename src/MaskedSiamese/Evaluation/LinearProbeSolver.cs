namespace MaskedSiamese.Evaluation;

/// <summary>How <see cref="LinearProbe.Train"/> fits the probe head.</summary>
public enum LinearProbeSolver
{
    /// <summary>
    /// The head's optimum, reached: its linear layer by whitened L-BFGS (the logistic regression of <c>msn fit</c>,
    /// with a vanishing L2 penalty) on the head's own normalised input, LayerNorm at its initial identity and bias
    /// zero. Converges in seconds on 60k features, where SGD stops far above the optimum's loss.
    /// </summary>
    Lbfgs,

    /// <summary>The official optimiser: SGD with Nesterov momentum from a N(0, 0.01²) head, every parameter trained,
    /// the learning rate divided by 10 at each plateau of the training loss.</summary>
    Sgd,
}
