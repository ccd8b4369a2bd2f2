using MaskedSiamese.Cli;

NativeEnvironment.PreferPassiveOpenMp();
NativeEnvironment.LimitMallocArenas();
return CliRunner.Run(CliApp.CreateRoot(), args);
