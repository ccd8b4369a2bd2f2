using MaskedSiamese.Cli;

NativeEnvironment.PreferPassiveOpenMp();
return CliRunner.Run(CliApp.CreateRoot(), args);
