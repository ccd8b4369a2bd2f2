namespace MaskedSiamese.Diagnostics;

/// <summary>One named value of a log row.</summary>
/// <param name="Name">The column.</param>
/// <param name="Value">The value.</param>
public readonly record struct NamedValue(string Name, double Value);
