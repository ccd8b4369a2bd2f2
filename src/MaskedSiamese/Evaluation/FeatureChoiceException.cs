namespace MaskedSiamese.Evaluation;

/// <summary>The requested features do not exist in the encoder (e.g. <c>blocks:N</c> deeper than the encoder): a
/// problem with what was asked for, not with the code.</summary>
public sealed class FeatureChoiceException : Exception
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public FeatureChoiceException(string message) : base(message) { }

    /// <summary>Creates the exception with a one-line message and the underlying cause.</summary>
    public FeatureChoiceException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception with a default message.</summary>
    public FeatureChoiceException() : base("the requested features do not exist in the encoder") { }
}
