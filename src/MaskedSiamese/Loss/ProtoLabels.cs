using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Loss;

/// <summary>The label matrix of the prototypes (msn-spec §1.4): one class per prototype, optionally
/// smoothed.</summary>
public static class ProtoLabels
{
    /// <summary>
    /// The official <c>one_hot(arange(K), K, smoothing)</c>: <c>s/K</c> everywhere and <c>1 − s + s/K</c> on the
    /// diagonal, so each row sums to 1; the identity for <c>s = 0</c>.
    /// </summary>
    /// <param name="numPrototypes">K.</param>
    /// <param name="labelSmoothing">s in [0, 1].</param>
    /// <param name="device">Where to create it (CPU when null).</param>
    /// <param name="dtype">Its dtype (float32 when null).</param>
    /// <returns>[K, K].</returns>
    public static Tensor Create(long numPrototypes, double labelSmoothing = 0.0, Device? device = null,
        ScalarType? dtype = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numPrototypes);
        if (!(labelSmoothing >= 0.0 && labelSmoothing <= 1.0))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "must be in [0, 1]");
        double off = labelSmoothing / numPrototypes;
        // Same expression as the official on_value, so the diagonal rounds identically.
        double on = 1.0 - labelSmoothing + off;
        using var offValue = off.ToScalar();
        using var onValue = on.ToScalar();
        var labels = full(numPrototypes, numPrototypes, offValue, dtype ?? ScalarType.Float32, device);
        using (var diagonal = labels.diagonal())
            diagonal.fill_(onValue);
        return labels;
    }
}
