using MaskedSiamese.Engine;

namespace MaskedSiamese.Tests.Engine;

public sealed class CollectiveWatchdogTests
{
    [Fact]
    public void A_call_blocked_past_the_limit_is_handed_to_the_handler_once_and_the_library_does_not_end_the_process()
    {
        var hangs = new List<CollectiveHang>();
        using var handled = new ManualResetEventSlim();
        using (var watchdog = new CollectiveWatchdog(1, TimeSpan.FromMilliseconds(200), hang =>
               {
                   lock (hangs) hangs.Add(hang);
                   handled.Set();
               }))
        {
            watchdog.Enter("MPI_Allreduce");
            Assert.True(handled.Wait(TimeSpan.FromSeconds(30)), "the watchdog never reported the blocked call");
        }
        // Disposed: its thread has ended, so the list is final; this process is still here to check it.
        var only = Assert.Single(hangs);
        Assert.Equal(new CollectiveHang(1, TimeSpan.FromMilliseconds(200), "MPI_Allreduce"), only);
        Assert.StartsWith("rank 1: no answer from the other processes for 0 s in MPI_Allreduce", only.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void A_farewell_that_hangs_is_reported_with_the_exit_code_the_process_was_ending_with()
    {
        CollectiveHang? reported = null;
        using var handled = new ManualResetEventSlim();
        using (var watchdog = new CollectiveWatchdog(0, TimeSpan.FromMilliseconds(200), hang =>
               {
                   reported = hang;
                   handled.Set();
               }))
        {
            watchdog.Enter("MPI_Finalize", finishedWith: 0);
            Assert.True(handled.Wait(TimeSpan.FromSeconds(30)), "the watchdog never reported the blocked farewell");
        }
        Assert.Equal(0, reported!.ExitCode);
        Assert.Equal("rank 0: MPI_Finalize did not return within 0 s (UCX over TCP can hang at exit); the run's work " +
            "is done and written, ending", reported.Message);
        Assert.Equal(CollectiveWatchdog.ExitCode, new CollectiveHang(0, TimeSpan.Zero, "MPI_Allreduce").ExitCode);
    }

    [Fact]
    public void Calls_that_end_in_time_are_never_reported()
    {
        int reports = 0;
        using (var watchdog = new CollectiveWatchdog(0, TimeSpan.FromSeconds(30),
                   _ => Interlocked.Increment(ref reports)))
        {
            for (int i = 0; i < 100; i++)
            {
                watchdog.Enter("MPI_Bcast");
                watchdog.Exit();
            }
        }
        Assert.Equal(0, reports);
    }
}
