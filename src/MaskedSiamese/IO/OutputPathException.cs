namespace MaskedSiamese.IO;

/// <summary>An output path that msn will not write: a folder, a device, a FIFO, a socket, or a link to one of them or
/// to nowhere. Nothing was written and what the path names is left as it was.</summary>
public sealed class OutputPathException : IOException
{
    /// <summary>Creates the exception with a message.</summary>
    public OutputPathException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and cause.</summary>
    public OutputPathException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception.</summary>
    public OutputPathException() : base("not a path msn writes") { }
}
