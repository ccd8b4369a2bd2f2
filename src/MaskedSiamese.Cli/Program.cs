using MaskedSiamese.Cli;
using MaskedSiamese.Diagnostics;
using MaskedSiamese.Engine;
using MaskedSiamese.Launching;

NativeEnvironment.PreferPassiveOpenMp();
NativeEnvironment.LimitMallocArenas();
// Under `msn launch`, rank 0 tells the supervisor how it ends (its connection closing says that it ended).
using var supervisor = RankZeroLink.ConnectFromEnvironment();
Collectives.HangHandler = hang =>
{
    supervisor?.Report(hang.ExitCode);
    NativeEnvironment.EndOnCollectiveHang(hang);
};
int exitCode = CliRunner.Run(CliApp.CreateRoot(), args);
if (Environment.GetEnvironmentVariable("MSN_CHECK_TENSOR_LIFETIMES") == "1"
    && FinalizedTensors.Count() is > 0 and var left)
{
    // A diagnostic for tests and bug hunts: a tensor nobody disposed is a bug even when the run succeeded.
    Console.Error.WriteLine($"msn: internal error: {left} tensor(s) were left to their finalisers");
    if (exitCode == 0) exitCode = CliRunner.InternalError;
}
supervisor?.Report(exitCode);
// under MPI: finalise, or end every rank when this one failed alone
Collectives.Shutdown(exitCode, CliRunner.FailedOnEveryRank);
return exitCode;
