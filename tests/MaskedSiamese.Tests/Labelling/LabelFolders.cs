using MaskedSiamese.Tests.Data;
using SkiaSharp;

namespace MaskedSiamese.Tests.Labelling;

/// <summary>A flat folder of tiny coloured images to label, each named after its true class
/// (<c>red_3.png</c>).</summary>
internal static class LabelFolders
{
    public static readonly string[] Classes = ["red", "green", "blue"];

    public static string Write(string dir, int perClass)
    {
        string root = Path.Combine(dir, "to-label");
        Directory.CreateDirectory(root);
        var colours = new[] { new SKColor(200, 30, 30), new SKColor(30, 200, 30), new SKColor(30, 30, 200) };
        for (int c = 0; c < colours.Length; c++)
            for (int i = 0; i < perClass; i++)
            {
                var k = colours[c];
                var shade = new SKColor((byte)(k.Red + 5 * i), (byte)(k.Green + 3 * i), (byte)(k.Blue + 4 * i));
                TestImageFiles.WriteSkia(Path.Combine(root, $"{Classes[c]}_{i}.png"), 20, 18, shade,
                    SKEncodedImageFormat.Png);
            }
        return root;
    }

    /// <summary>The true class of an image by its name.</summary>
    public static int TruthOf(string name) => Array.IndexOf(Classes, Path.GetFileName(name).Split('_')[0]);
}
