namespace MaskedSiamese.Cli;

/// <summary>A problem with what the user asked for; reported as one line with exit code 1.</summary>
internal sealed class UserInputException(string message) : Exception(message);
