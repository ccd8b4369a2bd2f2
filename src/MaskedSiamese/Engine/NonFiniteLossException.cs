namespace MaskedSiamese.Engine;

/// <summary>The loss became NaN or infinite; the step was not applied, so the weights are those of the last good
/// step.</summary>
public sealed class NonFiniteLossException : Exception
{
    /// <summary>Creates the exception for <paramref name="step"/>.</summary>
    public NonFiniteLossException(long step, double loss)
        : base($"loss is {loss} at step {step}: training stopped; the last good checkpoint is kept " +
               "(try a lower learning rate, a larger batch, or check the data)") => Step = step;

    /// <summary>Creates the exception with a message.</summary>
    public NonFiniteLossException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and cause.</summary>
    public NonFiniteLossException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception.</summary>
    public NonFiniteLossException() : base("non-finite loss") { }

    /// <summary>The step whose loss was not finite.</summary>
    public long Step { get; }
}
