namespace MaskedSiamese.Checkpoints;

/// <summary>A checkpoint or weights file that cannot be read, or does not fit the model: the message is one line
/// that names the file and the first problem found.</summary>
public sealed class CheckpointFormatException : Exception
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public CheckpointFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with a one-line message and the underlying cause.</summary>
    public CheckpointFormatException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception with a default message.</summary>
    public CheckpointFormatException() : base("invalid checkpoint") { }
}
