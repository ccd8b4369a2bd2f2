namespace MaskedSiamese.Training;

/// <summary>
/// The official MSN schedules (msn-spec §4.2; <c>utils.py</c> <c>WarmupCosineSchedule</c>, <c>CosineWDSchedule</c>
/// and the momentum and sharpen generators of <c>msn_train.py</c>) as pure functions of the 0-based optimizer step
/// <c>i</c>. The official lr and wd schedulers are stepped before the optimizer step, so optimizer step <c>i</c> uses
/// their index <c>i + 1</c>; the momentum and sharpen generators are read from index 0, so step <c>i</c> uses index
/// <c>i</c>. A run resumed at epoch e continues with <c>i = e·ipe</c> (the official fast-forward).
/// </summary>
public static class Schedules
{
    /// <summary>
    /// Learning rate of optimizer step <paramref name="step"/>: with <c>s = step + 1</c>, linear warmup
    /// <c>start + (s/W)(ref − start)</c> while <c>s &lt; W</c>, then
    /// <c>max(final, final + (ref − final)·½(1 + cos(π(s − W)/(Tmax − W))))</c>.
    /// </summary>
    /// <param name="step">0-based optimizer step.</param>
    /// <param name="settings">The schedule settings.</param>
    public static double LearningRate(long step, ScheduleSettings settings)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ArgumentNullException.ThrowIfNull(settings);
        long s = step + 1;
        long warmup = settings.WarmupSteps;
        double start = settings.StartLearningRate, reference = settings.ReferenceLearningRate;
        double final = settings.FinalLearningRate;
        if (s < warmup)
        {
            double warmupProgress = (double)s / Math.Max(1, warmup);
            return start + warmupProgress * (reference - start);
        }
        double progress = (double)(s - warmup) / Math.Max(1, settings.HorizonSteps - warmup);
        return Math.Max(final, final + (reference - final) * 0.5 * (1.0 + Math.Cos(Math.PI * progress)));
    }

    /// <summary>
    /// Weight decay of optimizer step <paramref name="step"/> (for the decayed group only): with <c>s = step + 1</c>,
    /// <c>final + (ref − final)·½(1 + cos(π s/Tmax))</c>, clamped so it never passes <c>final</c> (at most final
    /// when the decay rises, at least final when it falls).
    /// </summary>
    /// <param name="step">0-based optimizer step.</param>
    /// <param name="settings">The schedule settings.</param>
    public static double WeightDecay(long step, ScheduleSettings settings)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ArgumentNullException.ThrowIfNull(settings);
        long horizon = PositiveHorizon(settings);
        double reference = settings.WeightDecay, final = settings.FinalWeightDecay;
        double progress = (double)(step + 1) / horizon;
        double wd = final + (reference - final) * 0.5 * (1.0 + Math.Cos(Math.PI * progress));
        return final <= reference ? Math.Max(final, wd) : Math.Min(final, wd);
    }

    /// <summary>
    /// EMA momentum of optimizer step <paramref name="step"/>: <c>start + i·(final − start)/(ipe·E·multiplier)</c>
    /// (the divisor is not truncated); the first step uses exactly <c>start</c>.
    /// </summary>
    /// <param name="step">0-based optimizer step, at most Tmax (the official generator ends there).</param>
    /// <param name="settings">The schedule settings.</param>
    public static double Momentum(long step, ScheduleSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        CheckLinearIndex(step, settings);
        double start = settings.StartMomentum, final = settings.FinalMomentum;
        return start + step * (final - start) / LinearDivisor(settings);
    }

    /// <summary>
    /// Sharpening temperature T of optimizer step <paramref name="step"/>: linear from start to final over the same
    /// horizon as <see cref="Momentum"/>, index <c>i</c> at step <c>i</c>.
    /// </summary>
    /// <param name="step">0-based optimizer step, at most Tmax.</param>
    /// <param name="settings">The schedule settings.</param>
    public static double SharpenTemperature(long step, ScheduleSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        CheckLinearIndex(step, settings);
        double start = settings.StartSharpen, final = settings.FinalSharpen;
        return start + (final - start) / LinearDivisor(settings) * step;
    }

    // Python evaluates iterations_per_epoch*num_epochs*ipe_scale left to right: an exact integer product, then the
    // float multiplier.
    private static double LinearDivisor(ScheduleSettings settings) =>
        (double)((long)settings.IterationsPerEpoch * settings.Epochs) * settings.HorizonMultiplier;

    private static long PositiveHorizon(ScheduleSettings settings)
    {
        long horizon = settings.HorizonSteps;
        if (horizon < 1)
            throw new ArgumentException($"schedule horizon int({settings.HorizonMultiplier}·E·ipe) = {horizon} < 1",
                nameof(settings));
        return horizon;
    }

    // The official generators yield indices 0..int(ipe·E·multiplier); past that they are exhausted.
    private static void CheckLinearIndex(long step, ScheduleSettings settings)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        long last = (long)(LinearDivisor(settings));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(step, last);
    }
}
