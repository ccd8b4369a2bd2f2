using System.CommandLine;
using MaskedSiamese.Cli.Commands;

namespace MaskedSiamese.Cli;

/// <summary>The command tree of <c>msn</c> (shared by <c>Program</c> and the in-process CLI tests).</summary>
internal static class CliApp
{
    public static RootCommand CreateRoot() => new(
        "msn: Masked Siamese Networks for .NET. Pretrain a Vision Transformer on unlabeled images, evaluate it with " +
        "a few labels per class, import Meta's released MSN weights and export ours.")
    {
        PretrainCommand.Create(),
        EvalCommand.Create(),
        EmbedCommand.Create(),
        SelectCommand.Create(),
        LabelCommand.Create(),
        FitCommand.Create(),
        FinetuneCommand.Create(),
        PredictCommand.Create(),
        ImportCommand.Create(),
        ExportCommand.Create(),
        InfoCommand.Create(),
        BenchCommand.Create(),
        LaunchCommand.Create(),
        CompareCommand.Create(),
    };
}
