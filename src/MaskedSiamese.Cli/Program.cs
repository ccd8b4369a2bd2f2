using MaskedSiamese.Cli;
using MaskedSiamese.Engine;

NativeEnvironment.PreferPassiveOpenMp();
NativeEnvironment.LimitMallocArenas();
int exitCode = CliRunner.Run(CliApp.CreateRoot(), args);
Collectives.Shutdown(exitCode, CliRunner.FailedOnEveryRank);   // under MPI: finalise, or end every rank when this one failed alone
return exitCode;
