namespace MaskedSiamese.Engine;

/// <summary>A collective operation failed (a peer died or the launcher's network broke), or the processes disagree
/// on something they must share (the configuration).</summary>
public sealed class CollectiveException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CollectiveException() { }

    /// <summary>Creates the exception with a message.</summary>
    public CollectiveException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public CollectiveException(string message, Exception inner) : base(message, inner) { }
}
