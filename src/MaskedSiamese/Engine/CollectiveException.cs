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

    /// <summary>Creates the exception; <paramref name="onEveryRank"/> says that every rank throws it at the same
    /// point.</summary>
    public CollectiveException(string message, bool onEveryRank) : base(message) => OnEveryRank = onEveryRank;

    /// <summary>Every rank threw this same exception at the same point (a check they made together), so they can end
    /// normally with one report from rank 0, instead of aborting the job.</summary>
    public bool OnEveryRank { get; }
}
