using MaskedSiamese.Diagnostics;
using TorchSharp;

namespace MaskedSiamese.Fuzz;

/// <summary>
/// Runs one input through a target and holds it to the contract: a valid result or one of the target's typed
/// refusals (with a message), and bounded memory. Anything else is thrown as a <see cref="FuzzFindingException"/>.
/// The AFL++ entry point and the in-process replay both go through here, so they judge inputs alike.
/// </summary>
public sealed class FuzzContract : IDisposable
{
    /// <summary>Most memory one input may cost: managed bytes allocated by the read, and (when measured) peak
    /// resident memory above the level before it. Issue 16 allows 200 MB above a valid input.</summary>
    public const long MemoryBound = 200L << 20;

    private readonly string _dir;
    private readonly bool _measureRss;

    /// <summary>A contract whose inputs are written under a fresh temporary folder.</summary>
    /// <param name="measurePeakRss">Also bound the process's peak resident memory per input (resets the kernel's
    /// high-water mark before each read). Only meaningful when nothing else runs in the process: the standalone
    /// harness sets it, the tests, which share their process with other tests, do not.</param>
    public FuzzContract(bool measurePeakRss = false)
    {
        _dir = Directory.CreateTempSubdirectory("msn-fuzz-").FullName;
        _measureRss = measurePeakRss && ProcessMemory.ResetPeak();
        // Loading libtorch maps a few hundred MB of code: do it before the first measured input, not during it.
        if (_measureRss) torch.zeros(1).Dispose();
    }

    /// <summary>Inputs judged so far.</summary>
    public long Executions { get; private set; }

    /// <summary>Reads <paramref name="input"/> with <paramref name="target"/>.</summary>
    /// <exception cref="FuzzFindingException">The input broke the contract; the message says how.</exception>
    public FuzzOutcome Run(FuzzTarget target, ReadOnlySpan<byte> input)
    {
        ArgumentNullException.ThrowIfNull(target);
        Executions++;
        string path = Path.Combine(_dir, target.FileName);
        File.WriteAllBytes(path, input.ToArray());
        long rssBefore = _measureRss ? ProcessMemory.ResidentBytes() : 0;
        if (_measureRss) ProcessMemory.ResetPeak();
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        string? refusal = Read(target, path);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        long rssGrowth = _measureRss ? ProcessMemory.PeakResidentBytes() - rssBefore : -1;
        if (allocated > MemoryBound)
            throw new FuzzFindingException($"{target}: the read allocated {allocated >> 20} MB (bound " +
                $"{MemoryBound >> 20} MB)");
        if (rssGrowth > MemoryBound)
            throw new FuzzFindingException($"{target}: peak resident memory grew by {rssGrowth >> 20} MB (bound " +
                $"{MemoryBound >> 20} MB)");
        return new FuzzOutcome(refusal is null, refusal, allocated, rssGrowth);
    }

    private static string? Read(FuzzTarget target, string path)
    {
        // Every tensor a read creates, kept or not, is freed when it ends: native memory does not pile up over
        // millions of inputs, and a leak of ours would still show in the managed count.
        using var scope = torch.NewDisposeScope();
        try
        {
            target.Read(path);
            return null;
        }
        catch (FuzzFindingException)
        {
            throw;
        }
        catch (Exception e) when (target.IsRefusal(e))
        {
            if (string.IsNullOrWhiteSpace(e.Message))
                throw new FuzzFindingException($"{target}: a {e.GetType().Name} without a message", e);
            return $"{e.GetType().Name}: {e.Message.Split('\n')[0]}";
        }
#pragma warning disable CA1031 // anything else is what the harness exists to find
        catch (Exception e)
#pragma warning restore CA1031
        {
            throw new FuzzFindingException($"{target}: {e.GetType().FullName} is no typed refusal: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless; failing a run over it is not.
        }
    }
}
