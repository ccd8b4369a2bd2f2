using MaskedSiamese.Cli;
using MaskedSiamese.Diagnostics;
using MaskedSiamese.Engine;

NativeEnvironment.PreferPassiveOpenMp();
NativeEnvironment.LimitMallocArenas();
Collectives.HangHandler = NativeEnvironment.EndOnCollectiveHang;
int exitCode = CliRunner.Run(CliApp.CreateRoot(), args);
if (Environment.GetEnvironmentVariable("MSN_CHECK_TENSOR_LIFETIMES") == "1"
    && FinalizedTensors.Count() is > 0 and var left)
{
    // A diagnostic for tests and bug hunts: a tensor nobody disposed is a bug even when the run succeeded.
    Console.Error.WriteLine($"msn: internal error: {left} tensor(s) were left to their finalisers");
    if (exitCode == 0) exitCode = CliRunner.InternalError;
}
// under MPI: finalise, or end every rank when this one failed alone
Collectives.Shutdown(exitCode, CliRunner.FailedOnEveryRank);
return exitCode;
