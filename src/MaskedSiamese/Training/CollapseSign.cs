using System.Globalization;

namespace MaskedSiamese.Training;

/// <summary>A sign that pretraining is collapsing: what was seen, from which step, and what to try.</summary>
/// <param name="Step">Steps done when the sign had lasted <see cref="CollapseWatch.Patience"/> steps.</param>
/// <param name="What">What was seen, with the figures.</param>
/// <param name="Try">What to change in the recipe.</param>
public sealed record CollapseSign(long Step, string What, string Try)
{
    /// <summary>One line for a person.</summary>
    public string Message => string.Create(CultureInfo.InvariantCulture,
        $"collapse at step {Step}: {What}. Try: {Try} (docs/monitoring.md, \"Collapse\")");
}
