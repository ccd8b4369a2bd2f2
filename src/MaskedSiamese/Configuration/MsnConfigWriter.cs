using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MaskedSiamese.Masking;

namespace MaskedSiamese.Configuration;

/// <summary><see cref="MsnConfig"/> → YAML in the official schema, every key written, numbers in a form both
/// YamlDotNet and PyYAML read back to the same value.</summary>
internal static partial class MsnConfigWriter
{
    public static string Write(MsnConfig config)
    {
        var sb = new StringBuilder();
        foreach (var section in MsnConfigSchema.Sections)
        {
            object options = section.Property.GetValue(config)!;
            sb.Append(section.Name).Append(":\n");
            foreach (var key in section.Keys)
                sb.Append("  ").Append(key.Name).Append(": ").Append(Format(key.Property.GetValue(options)))
                    .Append('\n');
        }

        return sb.ToString();
    }

    private static string Format(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        int i => i.ToString(CultureInfo.InvariantCulture),
        double d => Number(d),
        string s => Text(s),
        MaskSharing m => m == MaskSharing.PerSample ? "sample" : "batch",
        ValueTuple<double, double>(var a, var b) => $"[{Number(a)}, {Number(b)}]",
        Rgb rgb => $"[{Number(rgb.R)}, {Number(rgb.G)}, {Number(rgb.B)}]",
        _ => throw new InvalidOperationException($"no YAML form for {value.GetType()}"),
    };

    /// <summary>Shortest round-trip digits, always with a decimal point and a signed exponent (<c>1.0e-06</c>), which
    /// YAML 1.1 readers such as PyYAML need to see a float.</summary>
    private static string Number(double d)
    {
        string r = d.ToString("R", CultureInfo.InvariantCulture);
        int e = r.IndexOfAny(['E', 'e']);
        string mantissa = e < 0 ? r : r[..e];
        if (!mantissa.Contains('.', StringComparison.Ordinal)) mantissa += ".0";
        if (e < 0) return mantissa;
        string exponent = r[(e + 1)..];
        if (exponent[0] is not ('+' or '-')) exponent = "+" + exponent;
        return mantissa + "e" + exponent;
    }

    /// <summary>A string plain when YAML reads it back as that same string, double-quoted otherwise.</summary>
    private static string Text(string s)
    {
        bool plain = SafePlain().IsMatch(s) && !Reserved().IsMatch(s)
            && !double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
        return plain ? s : "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)
            .Replace("\r", "\\r", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal) + "\"";
    }

    [GeneratedRegex(@"^[A-Za-z0-9_./][A-Za-z0-9_./:+\-]*$")]
    private static partial Regex SafePlain();

    [GeneratedRegex(@"^(null|Null|NULL|~|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|" +
        @"on|On|ON|off|Off|OFF|y|Y|n|N)$")]
    private static partial Regex Reserved();
}
