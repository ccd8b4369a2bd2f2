using System.Globalization;
using System.Text.RegularExpressions;
using TorchSharp;

namespace MaskedSiamese.Engine;

/// <summary>The one reading of a device name (<c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>) for the config key
/// <c>meta.device</c> and the <c>--device</c> options: each caller words the problem for its own setting.</summary>
public static partial class DeviceName
{
    /// <summary>Whether <paramref name="text"/> is <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c> (any case).</summary>
    public static bool IsWellFormed(string text) => text is not null && Pattern().IsMatch(text);

    /// <summary>The device named by <paramref name="text"/>, or null with the reason it cannot be used here
    /// (malformed, or CUDA on a machine without it).</summary>
    public static torch.Device? TryParse(string text, out string? problem)
    {
        if (!IsWellFormed(text))
        {
            problem = "expected cpu, cuda or cuda:N";
            return null;
        }
        if (text.StartsWith("cuda", StringComparison.OrdinalIgnoreCase) && !torch.cuda.is_available())
        {
            problem = "CUDA is not available here (use cpu, or a CUDA build: README)";
            return null;
        }
        problem = null;
        return new torch.Device(text.ToLower(CultureInfo.InvariantCulture));
    }

    [GeneratedRegex("^(cpu|cuda(:[0-9]+)?)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
