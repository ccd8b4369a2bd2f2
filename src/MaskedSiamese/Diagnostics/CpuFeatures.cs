namespace MaskedSiamese.Diagnostics;

/// <summary>
/// The CPU's reduced-precision matrix support as Linux reports it (<c>/proc/cpuinfo</c> flags): <c>avx512_bf16</c>
/// (bf16 dot products in vector registers) and <c>amx_bf16</c> (tile matrix units). Both false where the file is
/// missing (not Linux). What each is worth in training: <c>Engine.PrecisionRule</c>.
/// </summary>
/// <param name="Avx512Bf16">The CPU has the AVX-512 bf16 instructions.</param>
/// <param name="AmxBf16">The CPU has AMX tiles with bf16.</param>
public sealed record CpuFeatures(bool Avx512Bf16, bool AmxBf16)
{
    /// <summary>Reads this machine's flags.</summary>
    public static CpuFeatures Current()
    {
        const string path = "/proc/cpuinfo";
        if (!File.Exists(path)) return new CpuFeatures(false, false);
        return Parse(File.ReadLines(path));
    }

    /// <summary>The features named by the first <c>flags</c> line of a cpuinfo text.</summary>
    public static CpuFeatures Parse(IEnumerable<string> cpuinfoLines)
    {
        ArgumentNullException.ThrowIfNull(cpuinfoLines);
        var line = cpuinfoLines.FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal));
        if (line is null) return new CpuFeatures(false, false);
        var flags = new HashSet<string>(line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
        return new CpuFeatures(flags.Contains("avx512_bf16"), flags.Contains("amx_bf16"));
    }

    /// <summary>One phrase, e.g. <c>avx512_bf16 yes, amx_bf16 no</c>.</summary>
    public override string ToString() =>
        $"avx512_bf16 {(Avx512Bf16 ? "yes" : "no")}, amx_bf16 {(AmxBf16 ? "yes" : "no")}";
}
