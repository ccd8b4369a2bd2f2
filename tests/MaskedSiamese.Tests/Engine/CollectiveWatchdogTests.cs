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
