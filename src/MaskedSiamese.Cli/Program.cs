using System.CommandLine;
using MaskedSiamese.Cli;
using MaskedSiamese.Cli.Commands;

var root = new RootCommand(
    "msn: Masked Siamese Networks for .NET. Pretrain a Vision Transformer on unlabeled images, evaluate it with a few " +
    "labels per class, import Meta's released MSN weights and export ours.")
{
    PretrainCommand.Create(),
    ImportCommand.Create(),
    InfoCommand.Create(),
    EvalCommand.Create(),
    EmbedCommand.Create(),
    ExportCommand.Create(),
};
return CliRunner.Run(root, args);
