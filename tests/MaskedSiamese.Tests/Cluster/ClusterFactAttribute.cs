using MaskedSiamese.Tests.Engine;

namespace MaskedSiamese.Tests.Cluster;

/// <summary>A test on two namespace machines (<see cref="TwoMachines"/>): skipped, saying why, where this host cannot
/// make them (not Linux, not root, no network namespaces, no iproute2) or has no MPICH.</summary>
public sealed class ClusterFactAttribute : FactAttribute
{
    private static readonly string? s_reason = TwoMachines.WhyNot() ??
        (Mpiexec.Path is null ? "mpiexec is not installed (Debian: apt-get install mpich)" : null);

    /// <summary>Sets <see cref="FactAttribute.Skip"/> when the machines cannot be made here.</summary>
    public ClusterFactAttribute()
    {
        if (s_reason is not null) Skip = s_reason;
    }
}
