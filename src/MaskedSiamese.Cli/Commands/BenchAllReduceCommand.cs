using System.CommandLine;
using System.Globalization;
using MaskedSiamese.Engine;

namespace MaskedSiamese.Cli.Commands;

/// <summary><c>mpiexec -n N msn bench allreduce</c>: what an all-reduce costs between the job's processes.</summary>
internal static class BenchAllReduceCommand
{
    public static Command Create()
    {
        var command = new Command("allreduce", "Under mpiexec with 2 or more processes: median and fastest time of " +
            "an all-reduce (mean, in place) of float32 buffers from 1 float (latency) to ViT-S/16's gradient, and " +
            "the rate of buffer bytes reduced, as rank 0 sees them.");
        command.SetAction((parse, cancellation) =>
        {
            if (Collectives.LaunchedWorldSize() < 2)
                throw new UserInputException("bench allreduce times the processes of an MPI job: run it under " +
                    "mpiexec -n 2 (or more), on one machine or several");
            var collective = Collectives.Current;
            var timings = AllReduceBenchmark.Run(collective, cancellation);
            if (collective.Rank != 0) return Task.FromResult(0);
            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(inv, $"{collective.WorldSize} processes; all-reduce (mean, in place)"));
            Console.WriteLine(string.Create(inv,
                $"{"buffer",-36} {"floats",11} {"median ms",10} {"min ms",9} {"GB/s",6}"));
            foreach (var t in timings)
                Console.WriteLine(string.Create(inv, $"{t.What,-36} {t.Floats,11:N0} {t.MedianMs,10:F3} " +
                    $"{t.MinMs,9:F3} {t.GigabytesPerSecond,6:F2}"));
            return Task.FromResult(0);
        });
        return command;
    }
}
