namespace MaskedSiamese.Tests.Engine;

/// <summary>A test that launches processes with MPICH's <c>mpiexec</c>: skipped, saying why, when no <c>mpiexec</c> is
/// on the PATH (scripts/test.sh installs Debian's <c>mpich</c> first, so there it runs).</summary>
public sealed class MpiexecFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when <c>mpiexec</c> is missing.</summary>
    public MpiexecFactAttribute()
    {
        if (Mpiexec.Path is null)
            Skip = "mpiexec is not installed (Debian: apt-get install mpich; scripts/test.sh installs it)";
    }
}
