namespace MaskedSiamese.Configuration;

/// <summary>
/// A run configuration that cannot be used: malformed YAML, an unknown section or key, a value of the wrong type or
/// an impossible value. The message is one line that starts with <c>config:</c> and names the key (or the file), e.g.
/// <c>config: criterion.temperature must be &gt; 0 (got -1)</c>. It is thrown while loading, before any training
/// starts.
/// </summary>
public sealed class ConfigException : Exception
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public ConfigException(string message) : base(message) { }

    /// <summary>Creates the exception with a one-line message and the underlying cause.</summary>
    public ConfigException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception with a default message.</summary>
    public ConfigException() : base("config: invalid configuration") { }
}
