namespace MaskedSiamese.Diagnostics;

/// <summary>Resident memory of this process, from <c>/proc/self/status</c> (Linux; 0 elsewhere).</summary>
public static class ProcessMemory
{
    /// <summary>Peak resident set size in bytes (VmHWM).</summary>
    public static long PeakResidentBytes() => Read("VmHWM:");

    /// <summary>
    /// Restarts the peak (VmHWM) from the current resident size, so that a later <see cref="PeakResidentBytes"/>
    /// covers only what runs after this call. Returns false where the kernel offers no reset.
    /// </summary>
    public static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Current resident set size in bytes (VmRSS).</summary>
    public static long ResidentBytes() => Read("VmRSS:");

    private static long Read(string key)
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return 0;
        foreach (var line in File.ReadLines(status))
            if (line.StartsWith(key, StringComparison.Ordinal))
                return long.Parse(line[key.Length..].Trim().Split(' ')[0],
                    System.Globalization.CultureInfo.InvariantCulture) * 1024;
        return 0;
    }
}
