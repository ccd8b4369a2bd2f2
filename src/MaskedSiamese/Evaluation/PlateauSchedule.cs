namespace MaskedSiamese.Evaluation;

/// <summary>
/// The stopping rule of <see cref="LinearProbe"/>: reads successive measurements of the full training loss and divides
/// the learning rate by 10 after <c>patience</c> measurements without progress (a fall of more than
/// <c>tolerance</c> relative to the best); the plateau after the last allowed reduction means converged. A function of
/// the measurements alone, so a probe's schedule is reproducible from its log.
/// </summary>
internal sealed class PlateauSchedule(double learningRate, double tolerance, int patience, int reductions)
{
    private double _best = double.PositiveInfinity;
    private int _stale;
    private int _reductions;

    /// <summary>The learning rate for the next steps.</summary>
    public double LearningRate { get; private set; } = learningRate;

    /// <summary>True once the loss has stopped falling at the smallest learning rate.</summary>
    public bool Converged { get; private set; }

    /// <summary>Takes one measurement of the training loss; returns <see cref="Converged"/>.</summary>
    public bool Observe(double loss)
    {
        if (!double.IsFinite(loss)) throw new ArithmeticException($"the probe's training loss became {loss}");
        if (loss < _best * (1 - tolerance))
        {
            _best = loss;
            _stale = 0;
            return false;
        }
        _best = Math.Min(_best, loss);
        if (++_stale < patience) return false;
        _stale = 0;
        if (_reductions == reductions) return Converged = true;
        _reductions++;
        LearningRate /= 10;
        return false;
    }
}
