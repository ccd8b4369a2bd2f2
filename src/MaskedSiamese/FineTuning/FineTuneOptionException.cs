namespace MaskedSiamese.FineTuning;

/// <summary>A <see cref="FineTuneOptions"/> value out of range: which property (<see cref="Property"/>), and what is
/// wrong with its value (<see cref="Problem"/>), so that a caller can name its own option for it.</summary>
public sealed class FineTuneOptionException : ArgumentException
{
    /// <summary>Creates the exception for <paramref name="property"/>.</summary>
    public FineTuneOptionException(string property, string problem) : base($"{property} {problem}", property)
    {
        Property = property;
        Problem = problem;
    }

    /// <summary>Creates the exception with a message.</summary>
    public FineTuneOptionException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and cause.</summary>
    public FineTuneOptionException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception.</summary>
    public FineTuneOptionException() { }

    /// <summary>The <see cref="FineTuneOptions"/> property.</summary>
    public string Property { get; } = "";

    /// <summary>The value and the rule it breaks, e.g. <c>0: must be ≥ 1</c>.</summary>
    public string Problem { get; } = "";

    /// <summary>One line: the property, its value and the rule (without ArgumentException's parameter
    /// suffix).</summary>
    public override string Message => Property.Length > 0 ? $"{Property} {Problem}" : base.Message;
}
