namespace MaskedSiamese.Tests.Support;

/// <summary>Values of the <c>Category</c> trait, for <c>dotnet test --filter "Category!=..."</c>.</summary>
public static class TestCategories
{
    /// <summary>Runs over the whole Fashion-MNIST set (all 60k training and 10k test images): minutes, not seconds.
    /// A quick local run skips them with <c>--filter "Category!=FullDataset"</c>; CI runs everything.</summary>
    public const string FullDataset = "FullDataset";

    /// <summary>Launches <c>mpiexec</c>. These once ran in a test host of their own: beside PretrainCliTests'
    /// in-process training they crashed the host (an ObjectDisposedException from TorchSharp's DisposeScope in a tensor
    /// finaliser). The cause was the MPI test's own tensors, dropped from their dispose scope and then finalised during
    /// whatever test ran next (README, "Tensors left to their finalisers"); fixed, they share the host again.</summary>
    public const string Mpi = "Mpi";

    /// <summary>Packs the NuGet packages and installs them (a consumer project, the tool): about two minutes. Skip
    /// with <c>--filter "Category!=Packaging"</c>; CI runs them.</summary>
    public const string Packaging = "Packaging";
}
