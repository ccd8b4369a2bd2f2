namespace MaskedSiamese.Configuration;

/// <summary>The snake_case name under which a property appears in the YAML file (the official name where one exists).
/// Declaration order of the properties is the order in which they are written.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
internal sealed class YamlKeyAttribute(string name) : Attribute
{
    /// <summary>The key as written in YAML.</summary>
    public string Name { get; } = name;
}
