using TorchSharp;

namespace MaskedSiamese.Engine;

/// <summary>
/// Decisions every rank must take together. A rank that stops, or skips its backward pass, while the others go on
/// leaves them waiting in their next collective forever; so a branch that changes which collectives run is taken on
/// every rank when any rank asks for it.
/// </summary>
public static class CollectiveAgreement
{
    /// <summary>True on every rank when <paramref name="value"/> is true on at least one; no communication on one
    /// process.</summary>
    public static bool AnyRank(this ICollective collective, bool value)
    {
        ArgumentNullException.ThrowIfNull(collective);
        if (collective.WorldSize == 1) return value;
        using var flag = torch.tensor(value ? 1.0 : 0.0, torch.float64);
        collective.AllReduceSum(flag);
        return flag.item<double>() > 0;
    }
}
