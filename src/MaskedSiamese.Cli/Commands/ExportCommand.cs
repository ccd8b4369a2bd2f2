using System.CommandLine;
using MaskedSiamese.Checkpoints;

namespace MaskedSiamese.Cli.Commands;

/// <summary><c>msn export</c>: the target encoder as an official-keyed safetensors state dict.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var input = new Argument<FileInfo>("checkpoint")
        {
            Description = "Our checkpoint (.safetensors) or an official MSN .pth.tar.",
        };
        var output = new Option<FileInfo>("--out", "-o")
        {
            Description = "FILE.safetensors to write (atomically): the target encoder with the official deit.py key names and shapes " +
                          "(no 'module.' prefix; head fc.* and BatchNorm buffers included). In PyTorch: " +
                          "model.load_state_dict(safetensors.torch.load_file(FILE)) on the official model built with its head.",
            Required = true,
        };
        var heads = SharedOptions.NumHeads();
        var command = new Command("export", "Export a checkpoint's target encoder for PyTorch (official MSN state-dict keys, safetensors).")
        {
            input, output, heads,
        };
        command.SetAction(parse =>
        {
            var src = parse.GetValue(input)!;
            var dst = parse.GetValue(output)!;
            using var checkpoint = MsnCheckpoint.LoadAny(src.FullName, parse.GetValue(heads));
            int n = OfficialExport.Write(checkpoint, dst.FullName, src.Name);
            Console.WriteLine($"Exported {n} tensors of the {(checkpoint.TargetEncoder is null ? "online" : "target")} encoder → {dst.FullName}");
            CheckpointSummary.Print(checkpoint, Console.Out);
            return 0;
        });
        return command;
    }
}
