namespace MaskedSiamese.Engine;

/// <summary>The loss became NaN or infinite; the step was not applied and the run stopped. The checkpoint on disk is
/// the latest one written (at most <c>checkpoint_every</c> steps back), not the state of the step before.</summary>
public sealed class NonFiniteLossException : Exception
{
    /// <summary>Creates the exception for <paramref name="step"/>.</summary>
    /// <param name="step">The step whose loss was not finite.</param>
    /// <param name="loss">That loss.</param>
    /// <param name="checkpointStep">The step of the latest checkpoint on disk, if any was written.</param>
    public NonFiniteLossException(long step, double loss, long? checkpointStep = null)
        : base($"loss is {loss} at step {step}: training stopped; " +
               (checkpointStep is { } saved
                   ? $"the checkpoint of step {saved} is kept, resume from it with --resume "
                   : "no checkpoint was written ") +
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
