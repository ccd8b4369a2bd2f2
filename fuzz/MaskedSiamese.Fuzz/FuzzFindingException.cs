namespace MaskedSiamese.Fuzz;

/// <summary>An input broke a target's contract: an exception that is no typed refusal, a result that breaks the
/// reader's promise, or more memory than <see cref="FuzzContract.MemoryBound"/>.</summary>
public sealed class FuzzFindingException : Exception
{
    /// <summary>A finding described by <paramref name="message"/>.</summary>
    public FuzzFindingException(string message) : base(message) { }

    /// <summary>A finding caused by <paramref name="inner"/>.</summary>
    public FuzzFindingException(string message, Exception inner) : base(message, inner) { }

    /// <summary>An empty finding (for serialisers).</summary>
    public FuzzFindingException() { }

    /// <summary>Throws a finding saying <paramref name="what"/> unless <paramref name="holds"/>.</summary>
    public static void Require(bool holds, string what)
    {
        if (!holds) throw new FuzzFindingException("the result breaks the reader's promise: " + what);
    }
}
