namespace MaskedSiamese.Evaluation;

/// <summary>Settings of <see cref="LinearProbe.Train"/>: by default the head's optimum by L-BFGS
/// (<see cref="LinearProbeSolver.Lbfgs"/>); or the official optimiser (SGD, Nesterov momentum 0.9, batch 256, no weight
/// decay) trained to convergence on fixed features: the learning rate is divided by 10 whenever the loss on all
/// training features stops falling, and training ends, converged, at the plateau after the last reduction.</summary>
public sealed record LinearProbeOptions
{
    /// <summary>How the head is fitted (default <see cref="LinearProbeSolver.Lbfgs"/>). The settings below, but
    /// <see cref="Lambda"/>, <see cref="Seed"/> and <see cref="Normalize"/>, are those of
    /// <see cref="LinearProbeSolver.Sgd"/>.</summary>
    public LinearProbeSolver Solver { get; init; } = LinearProbeSolver.Lbfgs;

    /// <summary>L2 strength of <see cref="LinearProbeSolver.Lbfgs"/> (Σ CE + λ/2‖W‖²): the official probe has
    /// none, and a vanishing one keeps the optimum finite on separable sets. Null: the lowest of
    /// <see cref="LambdaSearch.GridFor"/> the number of samples (1e-7 at 60k, 1e-4 up to 100).</summary>
    public double? Lambda { get; init; }

    /// <summary>Step cap; a probe that reaches it without converging says so
    /// (<see cref="LinearProbe.Converged"/>).</summary>
    public int MaxSteps { get; init; } = 20_000;

    /// <summary>Mini-batch size.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>
    /// Starting learning rate. The official 6.4 is for batch 16,384; the head sees unit-norm inputs and starts with
    /// tiny weights, so it needs a large step, and 1.0 at batch 256 trains fastest here.
    /// </summary>
    public double LearningRate { get; init; } = 1.0;

    /// <summary>SGD momentum (Nesterov), official 0.9.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>Weight decay, official 0.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Seeds the weight initialisation and the per-epoch shuffles.</summary>
    public int Seed { get; init; }

    /// <summary>L2-normalise after the LayerNorm (official <c>normalize=True</c>).</summary>
    public bool Normalize { get; init; } = true;

    /// <summary>The loss on all training features is measured at the end of the first epoch after at least this many
    /// steps since the last measurement (on small sets an epoch is a few steps, too few to see progress).</summary>
    public int CheckEvery { get; init; } = 100;

    /// <summary>A measurement is progress when it is below the best so far by more than this fraction of it.</summary>
    public double Tolerance { get; init; } = 1e-3;

    /// <summary>Measurements without progress before the learning rate is divided by 10.</summary>
    public int Patience { get; init; } = 3;

    /// <summary>Reductions of the learning rate (÷10 each) after which the next plateau ends training as
    /// converged.</summary>
    public int Reductions { get; init; } = 3;

    internal void Validate()
    {
        if (!Enum.IsDefined(Solver)) throw new ArgumentOutOfRangeException(nameof(Solver), Solver, "unknown solver");
        if (Lambda is { } l && (!(l > 0) || double.IsInfinity(l)))
            throw new ArgumentOutOfRangeException(nameof(Lambda), l, "must be > 0");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxSteps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize);
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate))
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "must be > 0");
        ArgumentOutOfRangeException.ThrowIfNegative(Momentum);
        ArgumentOutOfRangeException.ThrowIfNegative(WeightDecay);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(CheckEvery);
        if (!(Tolerance >= 0)) throw new ArgumentOutOfRangeException(nameof(Tolerance), Tolerance, "must be ≥ 0");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Patience);
        ArgumentOutOfRangeException.ThrowIfNegative(Reductions);
    }
}
