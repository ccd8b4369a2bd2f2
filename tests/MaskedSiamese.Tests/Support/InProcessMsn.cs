using MaskedSiamese.Cli;

namespace MaskedSiamese.Tests.Support;

/// <summary><c>msn</c> run in the test's process, as the CLI tests run it: the exit code and what went to standard
/// error.</summary>
internal static class InProcessMsn
{
    public static (int Code, string Error) Run(params string[] args)
    {
        using var error = new StringWriter();
        int code = CliRunner.Run(CliApp.CreateRoot(), args, error);
        return (code, error.ToString().Trim());
    }
}
