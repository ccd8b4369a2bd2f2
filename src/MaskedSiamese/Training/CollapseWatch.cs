using System.Globalization;
using MaskedSiamese.Diagnostics;

namespace MaskedSiamese.Training;

/// <summary>
/// Watches the step metrics for the two signs of a collapse that MSN's own log shows: the targets' argmaxes fall on
/// a few prototypes (<c>np</c> at most a quarter of what the batch could reach), or the ME-MAX term saturates (at
/// least half of its maximum log K: the mean prediction sits on a few prototypes). Either must last
/// <see cref="Patience"/> consecutive steps, so a noisy step does not count; the first sign is reported once.
/// Healthy runs of the built-in recipes stay far from both (the main job: np 113–126 of 128, ME-MAX under 1% of its
/// maximum).
/// </summary>
public sealed class CollapseWatch
{
    /// <summary>Consecutive steps a sign must last.</summary>
    public const int Patience = 20;

    private readonly int _reachable;
    private readonly double _meMaxCeiling;
    private int _lowNp, _highMeMax;
    private bool _reported;

    /// <summary>A watch for <paramref name="prototypes"/> prototypes and a global batch of
    /// <paramref name="globalBatch"/> targets.</summary>
    public CollapseWatch(int prototypes, int globalBatch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(prototypes, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(globalBatch);
        _reachable = Math.Min(prototypes, globalBatch);
        _meMaxCeiling = Math.Log(prototypes);
    }

    /// <summary>The sign, the first time one has lasted <see cref="Patience"/> steps; otherwise null.</summary>
    public CollapseSign? Observe(long stepsDone, IReadOnlyList<NamedValue> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (_reported) return null;
        double np = Value(metrics, "np"), meMax = Value(metrics, "me_max");
        _lowNp = np <= 0.25 * _reachable ? _lowNp + 1 : 0;
        _highMeMax = meMax >= 0.5 * _meMaxCeiling ? _highMeMax + 1 : 0;
        var inv = CultureInfo.InvariantCulture;
        CollapseSign? sign = null;
        if (_lowNp >= Patience)
            sign = new CollapseSign(stepsDone, string.Create(inv,
                $"the targets' argmaxes fall on {np:F0} prototypes (np) for {Patience} steps, of the {_reachable} " +
                $"a batch can reach"), "criterion.me_max true (λ 1 or more) and criterion.use_sinkhorn true, " +
                "a lower optimization.lr");
        else if (_highMeMax >= Patience)
            sign = new CollapseSign(stepsDone, string.Create(inv,
                $"the ME-MAX term is {meMax:F2} for {Patience} steps, {100 * meMax / _meMaxCeiling:F0}% of its " +
                $"maximum log K = {_meMaxCeiling:F2}: the mean prediction sits on a few prototypes"),
                "criterion.me_max true with a larger criterion.memax_weight, criterion.use_sinkhorn true, fewer " +
                "criterion.num_proto");
        _reported = sign is not null;
        return sign;
    }

    private static double Value(IReadOnlyList<NamedValue> metrics, string name)
    {
        foreach (var m in metrics)
            if (m.Name == name) return m.Value;
        return double.NaN;
    }
}
