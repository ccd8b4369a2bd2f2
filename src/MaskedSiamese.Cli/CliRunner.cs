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

    public static int Run(RootCommand root, string[] args) => Run(root, args, Console.Error);

    /// <summary>Runs the command, writing the runner's own messages (errors, "stopped") to
    /// <paramref name="error"/>.</summary>
    public static int Run(RootCommand root, string[] args, TextWriter error)
    {
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) error.WriteLine($"msn: {e.Message}");
            return UserError;
        }
        try
        {
            // No process-termination handling here: msn pretrain turns SIGINT/SIGTERM into a stop after the current
            // step with a checkpoint (StopSignals); the other commands have nothing to save and end at once.
            return parse.Invoke(new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
            });
        }
        catch (Exception e) when (IsUserError(e))
        {
            // A failure that every process met together is reported once, by rank 0.
            FailedOnEveryRank = e is CollectiveException { OnEveryRank: true };
            if (!FailedOnEveryRank || Collectives.Current.Rank == 0) error.WriteLine($"msn: {FirstLine(e.Message)}");
            return UserError;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("msn: stopped");
            return 130;
        }
#pragma warning disable CA1031 // the last line of defence: report anything else as an internal error
        catch (Exception e)
#pragma warning restore CA1031
        {
            error.WriteLine($"msn: internal error: {e}");
            return InternalError;
        }
    }

    // Typed problems with what the user named or asked for. An ArgumentException is not among them: the commands turn
    // bad option values into UserInputException, so one that still escapes is a bug and reported as such (exit 2).
    // InvalidDataException is kept: the library raises it for unreadable or unsuitable data and files the user named
    // (images, IDX files, a splits file); UnauthorizedAccessException for a user path that cannot be written; and any
    // IOException: a file or folder not found, an output that is a folder or a device (IO.OutputPathException), a
    // full disk, a read-only mount, a name too long. What the file system says is one line, not a stack trace.
    private static bool IsUserError(Exception e) =>
        e is CheckpointFormatException or UserInputException or CollectiveException or Configuration.ConfigException
            or NonFiniteLossException or RunFolderInUseException or Evaluation.FeatureChoiceException
            or InvalidDataException or UnauthorizedAccessException or IOException;

    private static string FirstLine(string s) => s.Split('\n')[0].TrimEnd('\r');
}
