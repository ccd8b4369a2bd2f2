using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Classification;
using MaskedSiamese.Configuration;
using MaskedSiamese.Models;
using MaskedSiamese.Onnx;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Fuzz;

/// <summary>
/// Makes each target's seeds in code: tiny valid files (an 8-pixel ViT of width 8 and depth 1, images of a few
/// pixels, a few-line config), so that the committed corpus (<c>fuzz/corpus/TARGET/valid-*</c>) is small and can
/// be made again with <c>msn-fuzz seeds</c>. Every seed is a valid input: the replay checks that it is accepted.
/// </summary>
public static class SeedCorpus
{
    /// <summary>The seeds' encoder: 8 px images, patch 4, width 8, depth 1, 2 heads; head 16 → 8; 4
    /// prototypes.</summary>
    public static EncoderArchitecture Architecture { get; } =
        new(new VitOptions(8, 4, 8, 1, FuzzTargets.NumHeads), new ProjectionHeadOptions(16, 8), 4);

    /// <summary>The seeds of <paramref name="target"/>, by file name.</summary>
    public static IReadOnlyList<(string Name, byte[] Bytes)> For(string target)
    {
        using var scope = torch.NewDisposeScope();
        var dir = Directory.CreateTempSubdirectory("msn-fuzz-seeds-").FullName;
        try
        {
            return target switch
            {
                "pickle" => Pickles(),
                "pickle-data" => [.. Pickles().Select(p =>
                    (p.Name.Replace(".pth.tar", ".pkl", StringComparison.Ordinal),
                        TorchArchive.ExtractPickle(p.Bytes)))],
                "safetensors" => Checkpoints(dir),
                "idx" => Idx(),
                "idx-gz" => [.. Idx().Select(s => (s.Name + ".gz", Gzip(s.Bytes)))],
                "image" => Images(),
                "config" => Configs(),
                "splits" => [("valid-splits.json",
                    """{"splits": {"seed0_k1": [0, 3], "seed1_pct10": [1, 2, 5], "custom": [4]}}"""u8.ToArray())],
                "classifier" or "classifier-signed" => [("valid-tiny.msnc", Classifier(dir))],
                "onnx" => [("valid-tiny.onnx", OnnxEncoderExport.ToBytes(Encoder(1)))],
                "labels" => [("valid-labels.csv", "path,label\nimg1.png,cat\nimg3.png,dog\n"u8.ToArray())],
                "answers" => [("valid-answers.csv",
                    "path,answer\nimg0.png,a\nimg2.png,(skip)\nimg4.png,(not sure)\nimg5.png,b\n"u8.ToArray())],
                "label-project" => [("valid-project.json", """{"images": "/data/photos", "checkpoint": "/data/ck.safetensors", "checkpoint_sha256": "00", "classes": ["cat", "dog"]}"""u8.ToArray())],
                _ => throw new ArgumentException($"no seeds for '{target}'", nameof(target)),
            };
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static VisionTransformer Encoder(int seed)
    {
        using var generator = new torch.Generator((ulong)seed);
        return Architecture.CreateEncoder(generator);
    }

    private static List<KeyValuePair<string, object>> StateDict(int seed, string prefix)
    {
        using var encoder = Encoder(seed);
        return [.. encoder.state_dict()
            .Select(kv => new KeyValuePair<string, object>(prefix + kv.Key, kv.Value.detach().clone()))];
    }

    private static Tensor Prototypes()
    {
        using var generator = new torch.Generator(3);
        return torch.randn(Architecture.NumPrototypes!.Value, Architecture.Head!.OutputDim, generator: generator);
    }

    // The two official layouts: released weights (DDP prefix) and a training checkpoint with its scalars.
    private static List<(string Name, byte[] Bytes)> Pickles() =>
    [
        ("valid-release.pth.tar", PickleWriter.Write(
            [new("target_encoder", StateDict(1, "module.")), new("prototypes", Prototypes())])),
        ("valid-training.pth.tar", PickleWriter.Write(
        [
            new("encoder", StateDict(2, "")), new("target_encoder", StateDict(1, "")), new("prototypes", Prototypes()),
            new("epoch", 3), new("loss", 1.5), new("lr", 0.001),
        ])),
    ];

    private static List<(string Name, byte[] Bytes)> Checkpoints(string dir)
    {
        string full = Path.Combine(dir, "full.safetensors"), trunk = Path.Combine(dir, "trunk.safetensors");
        using (var encoder = Encoder(1))
        using (var checkpoint = new MsnCheckpoint(Architecture)
        {
            TargetEncoder = StateDictLoader.Snapshot(encoder),
            Prototypes = Prototypes(),
        })
            checkpoint.Save(full);
        var plain = new EncoderArchitecture(Architecture.Vit, null, null);
        using (var generator = new torch.Generator(2))
        using (var encoder = plain.CreateEncoder(generator))
        using (var checkpoint = new MsnCheckpoint(plain) { Encoder = StateDictLoader.Snapshot(encoder) })
            checkpoint.Save(trunk);
        return [("valid-checkpoint.safetensors", File.ReadAllBytes(full)),
            ("valid-trunk.safetensors", File.ReadAllBytes(trunk))];
    }

    // Two 3×3 images and their labels.
    private static List<(string Name, byte[] Bytes)> Idx()
    {
        static byte[] File(int[] dims, byte[] data)
        {
            var bytes = new byte[4 + 4 * dims.Length + data.Length];
            (bytes[2], bytes[3]) = (0x08, (byte)dims.Length);
            for (int i = 0; i < dims.Length; i++)
                BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
            data.CopyTo(bytes, 4 + 4 * dims.Length);
            return bytes;
        }
        return [("valid-images-idx3-ubyte", File([2, 3, 3], [.. Enumerable.Range(0, 18).Select(i => (byte)(i * 14))])),
                ("valid-labels-idx1-ubyte", File([2], [1, 9]))];
    }

    private static byte[] Gzip(byte[] data)
    {
        using var bytes = new MemoryStream();
        using (var gz = new GZipStream(bytes, CompressionLevel.Optimal, leaveOpen: true)) gz.Write(data);
        return bytes.ToArray();
    }

    private static List<(string Name, byte[] Bytes)> Configs() =>
    [
        ("valid-smoke.yaml", Encoding.UTF8.GetBytes(ConfigPresets.Text("smoke"))),
        ("valid-overrides.yaml", Encoding.UTF8.GetBytes(
            "meta:\n  model_name: deit_small\ncriterion:\n  temperature: 0.1\n"
            + FuzzTargets.SetSeparator.TrimStart('\n')
            + "criterion.temperature=0.2\ndata.focal_size=96\noptimization.epochs=30\n")),
    ];

    private static List<(string Name, byte[] Bytes)> Images() =>
    [
        ("valid-rgb.png", SeedImages.Encode(5, 4, SKColorType.Rgba8888, SKEncodedImageFormat.Png)),
        ("valid-gray.png", SeedImages.Encode(3, 3, SKColorType.Gray8, SKEncodedImageFormat.Png)),
        ("valid-noise.jpg", SeedImages.Encode(8, 8, SKColorType.Rgba8888, SKEncodedImageFormat.Jpeg)),
        ("valid-tiny.webp", SeedImages.Encode(4, 4, SKColorType.Rgba8888, SKEncodedImageFormat.Webp)),
        ("valid-tiny.bmp", SeedImages.Bmp(3, 2)),
        ("valid-tiny.gif", SeedImages.Gif1x1),
    ];

    // A classifier fitted on two classes of two 8-pixel images each, without cross-validation.
    private static byte[] Classifier(string dir)
    {
        string checkpoint = Path.Combine(dir, "tiny.safetensors"), images = Path.Combine(dir, "labelled"),
            path = Path.Combine(dir, "tiny.msnc");
        using (var encoder = Encoder(1))
        using (var ck = new MsnCheckpoint(Architecture)
        {
            TargetEncoder = StateDictLoader.Snapshot(encoder),
            Prototypes = Prototypes(),
        })
            ck.Save(checkpoint);
        for (int c = 0; c < 2; c++)
        {
            Directory.CreateDirectory(Path.Combine(images, $"class{c}"));
            for (int i = 0; i < 2; i++)
                File.WriteAllBytes(Path.Combine(images, $"class{c}", $"{i}.png"),
                    SeedImages.Encode(8, 8, SKColorType.Rgba8888, SKEncodedImageFormat.Png,
                        (byte)(40 + 150 * c + 20 * i)));
        }
        using var classifier = FewShotClassifier.Fit(checkpoint, images,
            new FewShotFitOptions { CrossValidate = false });
        classifier.Save(path);
        return File.ReadAllBytes(path);
    }
}
