using System.CommandLine;
using MaskedSiamese.Checkpoints;

namespace MaskedSiamese.Cli.Commands;

/// <summary><c>msn info</c>: what a checkpoint holds.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var input = new Argument<FileInfo>("checkpoint")
        {
            Description = "Our checkpoint (.safetensors) or an official MSN .pth.tar.",
        };
        var heads = SharedOptions.NumHeads();
        var command = new Command("info", "Show a checkpoint's architecture, parameter counts and the parts it holds.")
        {
            input, heads,
        };
        command.SetAction(parse =>
        {
            var file = parse.GetValue(input)!;
            using var checkpoint = MsnCheckpoint.LoadAny(file.FullName, parse.GetValue(heads));
            Console.WriteLine(file.FullName);
            CheckpointSummary.Print(checkpoint, Console.Out);
            return 0;
        });
        return command;
    }
}
