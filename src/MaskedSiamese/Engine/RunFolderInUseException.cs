namespace MaskedSiamese.Engine;

/// <summary>A new run would replace the run already in its folder; resume it or ask to start over.</summary>
public sealed class RunFolderInUseException : Exception
{
    /// <summary>Creates the exception for <paramref name="folder"/>, which holds <paramref name="evidence"/>.</summary>
    public RunFolderInUseException(string folder, string evidence)
        : base($"{folder}: already holds a run ({evidence}); continue it with --resume, or start over with " +
               "--overwrite")
    { }

    /// <summary>Creates the exception with a message.</summary>
    public RunFolderInUseException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and cause.</summary>
    public RunFolderInUseException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception.</summary>
    public RunFolderInUseException() : base("the run folder already holds a run") { }
}
