using MaskedSiamese.Cli;

return CliRunner.Run(CliApp.CreateRoot(), args);
