using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using MaskedSiamese.Configuration;
using TorchSharp;

namespace MaskedSiamese.Tests.Configuration;

/// <summary>
/// Everything a config resolves to (recipe, loop options, precision, device, view augmentations, loader, evaluation
/// transform, data location)
/// written out as text, value by value, so that two configs can be compared for what they change. Record equality
/// cannot do this: the mapped objects hold arrays and devices, which compare by reference.
/// </summary>
public static class MappedSettings
{
    /// <summary>The resolved settings of <paramref name="config"/> as one text; the config's own YAML (which names
    /// every key whether it acts or not) is left out.</summary>
    public static string Of(MsnConfig config)
    {
        var sb = new StringBuilder();
        Write(sb, "recipe", config.ToRecipe(iterationsPerEpoch: 1) with { ConfigText = "" }, 0);
        Write(sb, "loop", config.ToLoopOptions(), 0);
        Write(sb, "precision", config.ToPrecisionChoice(), 0);
        Write(sb, "device", MsnConfigMapping.ToDevice(config.Meta.Device), 0);
        Write(sb, "augmentation", config.ToAugmentationOptions(), 0);
        Write(sb, "loader", config.ToLoaderOptions(), 0);
        Write(sb, "eval", config.ToEvalTransform(), 0);
        Write(sb, "data", config.DataLocation(), 0);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, string path, object? value, int depth)
    {
        Assert.True(depth < 10, $"{path}: nested too deep");
        switch (value)
        {
            case null:
                sb.Append(path).Append(" = null\n");
                return;
            case string or Enum or torch.Device:
                sb.Append(path).Append(" = ").Append(value).Append('\n');
                return;
            case var primitive when primitive.GetType().IsPrimitive:
                // Shortest round-trip form for floating point, so no change hides behind rounding.
                sb.Append(path).Append(" = ").Append(Convert.ToString(primitive, CultureInfo.InvariantCulture))
                    .Append('\n');
                return;
            case IEnumerable items:
                int i = 0;
                foreach (object? item in items) Write(sb, $"{path}[{i++}]", item, depth + 1);
                return;
        }

        var type = value.GetType();
        // Value tuples keep their items in fields; records and options in properties.
        foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Instance))
            Write(sb, path + "." + field.Name, field.GetValue(value), depth + 1);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length == 0)
                Write(sb, path + "." + property.Name, property.GetValue(value), depth + 1);
        }
    }
}
