using System.Globalization;
using MaskedSiamese.Engine;
using MaskedSiamese.Tests.Support;

namespace MaskedSiamese.Tests.Engine;

[Trait("Category", TestCategories.Mpi)]
public sealed class AllReduceBenchmarkTests
{
    [MpiexecFact]
    public void Under_mpiexec_rank_0_prints_one_row_per_buffer_with_times_that_grow_with_the_buffer()
    {
        var (code, output, errors) = Mpiexec.RunMsn([["bench", "allreduce"], ["bench", "allreduce"]],
            TimeSpan.FromSeconds(120));
        Assert.True(code == 0, $"exit {code}\n{output}\n{errors}");
        var rows = output.Split('\n').Where(l => l.Length > 0 && char.IsDigit(l.TrimEnd()[^1]) &&
            AllReduceBenchmark.Buffers.Any(b => l.StartsWith(b.What, StringComparison.Ordinal))).ToList();
        Assert.Equal(AllReduceBenchmark.Buffers.Count, rows.Count);   // rank 0 alone prints
        Assert.StartsWith("2 processes", output, StringComparison.Ordinal);
        double Median(string row) => double.Parse(row.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^3],
            CultureInfo.InvariantCulture);
        Assert.True(Median(rows[^1]) > Median(rows[0]), string.Join("\n", rows));
    }

    [Fact]
    public void Without_a_launcher_it_is_refused_in_one_line()
    {
        var (code, error) = InProcessMsn.Run("bench", "allreduce");
        Assert.Equal(1, code);
        Assert.StartsWith("msn: bench allreduce times the processes of an MPI job", error, StringComparison.Ordinal);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
