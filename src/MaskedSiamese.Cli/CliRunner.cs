using System.CommandLine;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Engine;

namespace MaskedSiamese.Cli;

/// <summary>Runs the parsed command and maps failures to exit codes: 0 success, 1 user error (one line on stderr),
/// 2 internal error.</summary>
internal static class CliRunner
{
    public const int UserError = 1;
    public const int InternalError = 2;

    /// <summary>The last failure was met by every MPI process at the same point (see
    /// <see cref="CollectiveException.OnEveryRank"/>): they end together without aborting the job.</summary>
    public static bool FailedOnEveryRank { get; private set; }

    public static int Run(RootCommand root, string[] args)
    {
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) Console.Error.WriteLine($"msn: {e.Message}");
            return UserError;
        }
        try
        {
            // Ctrl-C cancels the token; the trainer finishes its step and writes a checkpoint before the process ends.
            return parse.Invoke(new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = TimeSpan.FromMinutes(2),
            });
        }
        catch (Exception e) when (IsUserError(e))
        {
            // A failure that every process met together is reported once, by rank 0.
            FailedOnEveryRank = e is CollectiveException { OnEveryRank: true };
            if (!FailedOnEveryRank || Collectives.Current.Rank == 0) Console.Error.WriteLine($"msn: {FirstLine(e.Message)}");
            return UserError;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("msn: stopped");
            return 130;
        }
#pragma warning disable CA1031 // the last line of defence: report anything else as an internal error
        catch (Exception e)
#pragma warning restore CA1031
        {
            Console.Error.WriteLine($"msn: internal error: {e}");
            return InternalError;
        }
    }

    private static bool IsUserError(Exception e) =>
        e is CheckpointFormatException or UserInputException or CollectiveException or Configuration.ConfigException or NonFiniteLossException
            or FileNotFoundException or DirectoryNotFoundException
            or ArgumentException or InvalidDataException or UnauthorizedAccessException;

    private static string FirstLine(string s) => s.Split('\n')[0].TrimEnd('\r');
}
