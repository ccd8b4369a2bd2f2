namespace MaskedSiamese.Models;

/// <summary>
/// The encoder factories of the official code (<c>deit.py</c>), by their config names (<c>meta.model_name</c>), all at
/// 224 px with MLP ratio 4, qkv bias and LayerNorm eps 1e-6. Custom sizes for small data are plain
/// <see cref="VitOptions"/> values.
/// </summary>
public static class VitPresets
{
    private static readonly Dictionary<string, VitOptions> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["deit_tiny"] = Official(192, 12, 3, 16),
        ["deit_small"] = Official(384, 12, 6, 16),
        ["deit_small_p8"] = Official(384, 12, 6, 8),
        ["deit_small_p7"] = Official(384, 12, 6, 7),
        ["deit_base"] = Official(768, 12, 12, 16),
        ["deit_base_p8"] = Official(768, 12, 12, 8),
        ["deit_base_p7"] = Official(768, 12, 12, 7),
        ["deit_base_p4"] = Official(768, 12, 12, 4),
        ["deit_large"] = Official(1024, 24, 16, 16),
        ["deit_large_p8"] = Official(1024, 24, 16, 8),
        ["deit_large_p7"] = Official(1024, 24, 16, 7),
        ["deit_huge"] = Official(1280, 32, 16, 16),
        ["deit_huge_p8"] = Official(1280, 32, 16, 8),
        ["deit_huge_p7"] = Official(1280, 32, 16, 7),
        ["deit_huge_p10"] = Official(1280, 32, 16, 10),
    };

    /// <summary>The official factory names, in size order.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. ByName.Keys];

    /// <summary>ViT-S/16, the official default (<c>deit_small</c>).</summary>
    public static VitOptions SmallPatch16 => ByName["deit_small"];

    /// <summary>ViT-B/16 (<c>deit_base</c>).</summary>
    public static VitOptions BasePatch16 => ByName["deit_base"];

    /// <summary>ViT-L/16 (<c>deit_large</c>).</summary>
    public static VitOptions LargePatch16 => ByName["deit_large"];

    /// <summary>The preset called <paramref name="name"/> (e.g. <c>deit_small</c>, <c>deit_base_p4</c>).</summary>
    /// <exception cref="ArgumentException">No such preset; the message lists the valid names.</exception>
    public static VitOptions Get(string name) =>
        ByName.TryGetValue(name, out var o)
            ? o
            : throw new ArgumentException($"unknown model '{name}'; expected one of {string.Join(", ", Names)}",
                nameof(name));

    /// <summary>Whether <paramref name="name"/> is an official preset.</summary>
    public static bool Contains(string name) => ByName.ContainsKey(name);

    /// <summary>
    /// The official head count for an encoder of width <paramref name="embedDim"/> and depth <paramref name="depth"/>,
    /// or null when no official factory has that shape (weights do not say how many heads they were trained with).
    /// </summary>
    public static int? OfficialNumHeads(int embedDim, int depth) =>
        ByName.Values.FirstOrDefault(o => o.EmbedDim == embedDim && o.Depth == depth)?.NumHeads;

    private static VitOptions Official(int dim, int depth, int heads, int patch) => new(224, patch, dim, depth, heads);
}
