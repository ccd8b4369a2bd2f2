namespace MaskedSiamese.Tests.Support;

/// <summary>What an action writes to the process's standard output (tests that use it belong to
/// <see cref="ProcessWideTestGroup"/>: the output is the whole process's).</summary>
internal static class StandardOutput
{
    /// <summary>Runs <paramref name="action"/> with standard output captured; its result and the text.</summary>
    public static (T Result, string Printed) Capture<T>(Func<T> action)
    {
        var stdout = Console.Out;
        using var printed = new StringWriter();
        Console.SetOut(printed);
        try
        {
            var result = action();
            return (result, printed.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
        }
    }
}
