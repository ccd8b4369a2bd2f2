using System.CommandLine;
using MaskedSiamese.Checkpoints;

namespace MaskedSiamese.Cli.Commands;

/// <summary><c>msn import</c>: an official MSN checkpoint (.pth.tar) to our safetensors checkpoint.</summary>
internal static class ImportCommand
{
    public static Command Create()
    {
        var input = new Argument<FileInfo>("checkpoint")
        {
            Description = "An official MSN .pth.tar: released weights (target_encoder + prototypes, e.g. " +
                          "vits16_800ep.pth.tar) or a training checkpoint (encoder, target_encoder, prototypes, opt, " +
                          "epoch). Nothing in it is executed.",
        };
        var output = new Option<FileInfo>("--out", "-o")
        {
            Description = "Where to write our checkpoint (.safetensors). Written atomically.",
            Required = true,
        };
        var heads = SharedOptions.NumHeads("Attention heads of the encoder. Needed only when its width and depth " +
                                           "match no official model (weights do not record the head count).");
        var command = new Command("import", "Convert an official MSN checkpoint to a MaskedSiamese checkpoint.")
        {
            input, output, heads,
        };
        command.SetAction(parse =>
        {
            var src = parse.GetValue(input)!;
            var dst = parse.GetValue(output)!;
            using var checkpoint = OfficialCheckpointImporter.Import(src.FullName, parse.GetValue(heads));
            checkpoint.Save(dst.FullName);
            Console.WriteLine($"Imported {src.Name} → {dst.FullName}");
            CheckpointSummary.Print(checkpoint, Console.Out);
            return 0;
        });
        return command;
    }
}
