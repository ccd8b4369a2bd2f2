namespace MaskedSiamese.Selection;

/// <summary>Options of <see cref="SelectionEvaluation"/>.</summary>
public sealed record SelectionEvaluationOptions
{
    /// <summary>Labelling budgets (images labelled in all).</summary>
    public IReadOnlyList<int> Budgets { get; init; } = [10, 20, 50, 100];

    /// <summary>Strategies compared; the first is the one under test.</summary>
    public IReadOnlyList<SelectionStrategy> Strategies { get; init; } =
        [SelectionStrategy.DensityPeaks, SelectionStrategy.Uniform, SelectionStrategy.ClassBalanced];

    /// <summary>Seeds: each draws its own pool and seeds every strategy.</summary>
    public int Seeds { get; init; } = 5;

    /// <summary>The unlabelled pool each seed selects from: this many training images drawn at random (all when
    /// fewer).</summary>
    public int PoolSize { get; init; } = 20_000;

    /// <summary>λ of the logistic regression that scores a selection (Σ CE + λ/2‖W‖² on centred, L2-normalised
    /// features: the low-shot objective).</summary>
    public double Lambda { get; init; } = 0.0025;

    /// <summary>Leave out the budgets larger than the pool instead of refusing them (the evaluation after
    /// pretraining, whatever the size of the data).</summary>
    public bool FitBudgetsToPool { get; init; }

    /// <summary>Refuses impossible values, naming the option.</summary>
    public void Validate()
    {
        if (Budgets.Count == 0 || Budgets.Any(b => b < 1))
            throw new ArgumentException("--budgets: each budget must be ≥ 1");
        if (Strategies.Count == 0) throw new ArgumentException("--strategies: name at least one");
        if (Seeds < 1) throw new ArgumentException($"--seeds {Seeds}: must be ≥ 1");
        if (PoolSize < 2) throw new ArgumentException($"--pool {PoolSize}: must be ≥ 2");
        if (!(Lambda > 0) || !double.IsFinite(Lambda)) throw new ArgumentException($"--lambda {Lambda}: must be > 0");
    }
}
