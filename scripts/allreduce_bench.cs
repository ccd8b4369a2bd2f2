#:project ../src/MaskedSiamese/MaskedSiamese.csproj
#:property PublishAot=false
// The all-reduce cost behind the README's cluster estimate ("Several processes (MPI)"): times MpiCollective's
// AllReduceMean (MPI_Allreduce in place, then the division) on float32 buffers of the sizes one MSN step reduces:
// Sinkhorn's and ME-MAX's K = 1024 vectors, the prototypes' gradient (1024 × 256), ViT-S/16's projection head and
// its whole encoder (trunk + head) gradient.
// Run (build once, so that the ranks do not build at the same time):
//   dotnet build -c Release scripts/allreduce_bench.cs
//   mpiexec -n 2 dotnet run -c Release --no-build scripts/allreduce_bench.cs
using System.Diagnostics;
using System.Globalization;
using MaskedSiamese.Engine;
using TorchSharp;

using var mpi = new MpiCollective();
torch.set_num_threads(1);
(string What, long Count)[] sizes =
[
    ("K = 1024 vector (Sinkhorn, ME-MAX)", 1_024),
    ("prototypes 1024 × 256", 262_144),
    ("1 M floats", 1_000_000),
    ("ViT-S/16 projection head", 5_517_568),
    ("ViT-S/16 encoder + head", 27_183_232),
];
if (mpi.Rank == 0) Console.WriteLine($"{mpi.WorldSize} processes; median and minimum of repeated all-reduces (mean) in place");
foreach (var (what, n) in sizes)
{
    using var buffer = torch.ones(n);
    int repeats = n > 10_000_000 ? 7 : n > 1_000_000 ? 15 : 100;
    mpi.AllReduceMean(buffer);   // warm-up: first touch of MPICH's shared-memory buffers
    var times = new List<double>();
    for (int i = 0; i < repeats; i++)
    {
        var clock = Stopwatch.StartNew();
        mpi.AllReduceMean(buffer);
        times.Add(clock.Elapsed.TotalMilliseconds);
    }
    times.Sort();
    double median = times[times.Count / 2];
    if (mpi.Rank == 0)
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what,-36} {n,11:N0} floats ({n * 4 / 1e6,6:F1} MB): median {median,8:F3} ms, min {times[0],8:F3} ms over {repeats}; {n * 4 / (median / 1000) / 1e9,5:F2} GB/s of buffer"));
}
