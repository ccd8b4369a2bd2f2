using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using MaskedSiamese.Launching;

namespace MaskedSiamese.Cli.Commands;

/// <summary><c>msn launch -- mpiexec …</c>: an MPI job that ends when its ranks have ended, also when a machine can
/// no longer be reached.</summary>
internal static class LaunchCommand
{
    public static Command Create()
    {
        var launcher = new Argument<string[]>("launcher")
        {
            Description = "The launcher's command line after --, e.g. -- mpiexec -f hosts -n 16 dotnet msn.dll " +
                "pretrain ….",
            Arity = ArgumentArity.OneOrMore,
        };
        var grace = new Option<double>("--grace")
        {
            Description = "Seconds the launcher may outlive rank 0 before it is stopped (default 5).",
            DefaultValueFactory = _ => 5,
        };
        var command = new Command("launch", "Run an MPI launcher (mpiexec) and end it once rank 0 has ended: hydra " +
            "otherwise waits for good on a machine whose link was cut. Rank 0 must run on this machine.")
        {
            launcher, grace,
        };
        command.SetAction(parse =>
        {
            double seconds = parse.GetValue(grace);
            if (!(seconds >= 0) || !double.IsFinite(seconds))
                throw new UserInputException($"--grace {seconds.ToString(CultureInfo.InvariantCulture)}: expected " +
                    "seconds ≥ 0");
            string[] line = parse.GetValue(launcher)!;
            using var stop = new CancellationTokenSource();
            // Ctrl-C reaches the launcher from the terminal: this process only keeps waiting for it. SIGTERM is
            // passed on.
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => c.Cancel = true);
            using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
            {
                c.Cancel = true;
                stop.Cancel();
            });
            LaunchOutcome outcome;
            try
            {
                outcome = SupervisedLaunch.Run(line,
                    new SupervisedLaunchOptions { Grace = TimeSpan.FromSeconds(seconds) }, stop.Token);
            }
            catch (FileNotFoundException e)
            {
                throw new UserInputException(e.Message);
            }
            if (Explain(outcome, line[0], seconds) is { } why) Console.Error.WriteLine($"msn: {why}");
            return outcome.ExitCode;
        });
        return command;
    }

    private static string? Explain(LaunchOutcome outcome, string launcher, double grace)
    {
        string name = Path.GetFileName(launcher);
        var invariant = CultureInfo.InvariantCulture;
        if (outcome.LauncherStopped)
            return $"rank 0 ended ({Code(outcome.RankZeroExitCode)}) but {name} had not " +
                grace.ToString("0.#", invariant) + " s later (it waits for a machine it cannot reach): stopped it";
        if (outcome.RankZero == RankZeroEnding.Vanished && outcome.ExitCode != 0)
            return $"{name} exited {outcome.ExitCode.ToString(invariant)} and rank 0 was killed (a process or " +
                "machine of the job was lost); a checkpoint written before is intact: restart with --resume";
        return null;
    }

    private static string Code(int? code) => code is { } c
        ? string.Create(CultureInfo.InvariantCulture, $"exit {c}")
        : "without a word";
}
