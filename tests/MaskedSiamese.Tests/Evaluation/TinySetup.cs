using MaskedSiamese.Checkpoints;
using MaskedSiamese.Classification;
using MaskedSiamese.Evaluation;
using MaskedSiamese.Models;
using MaskedSiamese.Tests.Data;
using SkiaSharp;
using TorchSharp;

namespace MaskedSiamese.Tests.Evaluation;

/// <summary>A tiny random encoder, its checkpoint, and a small train/val image folder.</summary>
internal static class TinySetup
{
    public static EncoderArchitecture Architecture { get; } =
        new(new VitOptions(16, 4, 16, 2, 2), new ProjectionHeadOptions(32, 8), 5);

    public static VisionTransformer Encoder(int seed = 1)
    {
        using var generator = new torch.Generator((ulong)seed);
        return Architecture.CreateEncoder(generator);
    }

    /// <summary>Writes a checkpoint holding a seeded random target encoder (and prototypes).</summary>
    public static string WriteCheckpoint(string dir, int seed = 1)
    {
        using var encoder = Encoder(seed);
        string path = Path.Combine(dir, $"tiny-{seed}.safetensors");
        using var ck = new MsnCheckpoint(Architecture)
        {
            TargetEncoder = StateDictLoader.Snapshot(encoder),
            Prototypes = torch.randn(5, 8),
        };
        ck.Save(path);
        return path;
    }

    /// <summary>A classifier fitted by <c>msn fit</c>'s library call on the tiny encoder and a tiny image folder in
    /// <paramref name="dir"/>, reading <paramref name="features"/>.</summary>
    public static FewShotClassifier FitClassifier(string dir, FeatureChoice features)
    {
        string images = WriteImageFolder(dir, trainPerClass: 3, valPerClass: 1);
        return FewShotClassifier.Fit(WriteCheckpoint(dir), Path.Combine(images, "train"),
            new FewShotFitOptions { Features = features });
    }

    /// <summary>root/train/cK/*.png and root/val/cK/*.png: 3 classes of distinct colours with per-image
    /// shading.</summary>
    public static string WriteImageFolder(string dir, int trainPerClass = 5, int valPerClass = 3)
    {
        string root = Path.Combine(dir, "images");
        var colours = new[] { new SKColor(200, 30, 30), new SKColor(30, 200, 30), new SKColor(30, 30, 200) };
        foreach (var (split, count) in new[] { ("train", trainPerClass), ("val", valPerClass) })
            for (int c = 0; c < colours.Length; c++)
            {
                string folder = Path.Combine(root, split, $"c{c}");
                Directory.CreateDirectory(folder);
                for (int i = 0; i < count; i++)
                {
                    var k = colours[c];
                    var shade = new SKColor((byte)(k.Red + 5 * i), (byte)(k.Green + 3 * i), (byte)(k.Blue + 4 * i));
                    TestImageFiles.WriteSkia(Path.Combine(folder, $"{i}.png"), 20, 18, shade, SKEncodedImageFormat.Png);
                }
            }
        return root;
    }
}
