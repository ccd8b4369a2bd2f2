using System.Text.Json.Nodes;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Cli;
using MaskedSiamese.Configuration;
using MaskedSiamese.Data;
using MaskedSiamese.Data.Augmentation;
using MaskedSiamese.Evaluation;
using SkiaSharp;
using TorchSharp;

namespace MaskedSiamese.Tests.Evaluation;

/// <summary>Evaluation preprocessing follows the checkpoint, not the data: the built-in Fashion-MNIST route and a
/// folder of the same images as PNGs get the checkpoint's recorded transform, hence the same features.</summary>
public sealed class CheckpointTransformTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-transform-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    /// <summary>A random encoder of the smoke recipe (16 px) whose checkpoint records that recipe's config.</summary>
    private string SmokeCheckpoint()
    {
        var config = ConfigPresets.Load("smoke", []);
        var arch = config.ToArchitecture();
        using var generator = new torch.Generator(3);
        using var encoder = arch.CreateEncoder(generator);
        string path = Path.Combine(_dir, "smoke.safetensors");
        using var ck = new MsnCheckpoint(arch)
        {
            TargetEncoder = StateDictLoader.Snapshot(encoder),
            Training = new JsonObject { ["config"] = config.ToYaml() },
        };
        ck.Save(path);
        return path;
    }

    /// <summary>Items 0..count-1 of Fashion-MNIST's training set as 28 px gray PNGs in class folders.</summary>
    private string WritePngs(SubsetSource source, int count)
    {
        string root = Path.Combine(_dir, "pngs");
        for (int i = 0; i < count; i++)
        {
            var image = source.TryGet(i)!;
            string folder = Path.Combine(root, source.ClassNames[source.Label(i)]);
            Directory.CreateDirectory(folder);
            using var bitmap = new SKBitmap(
                new SKImageInfo(image.Width, image.Height, SKColorType.Gray8, SKAlphaType.Opaque));
            for (int p = 0; p < image.Width * image.Height; p++)
                bitmap.SetPixel(p % image.Width, p / image.Width,
                    new SKColor(image.Rgb[3 * p], image.Rgb[3 * p], image.Rgb[3 * p]));
            using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            // Zero-padded names keep the folder's sorted order equal to the source order within a class.
            File.WriteAllBytes(Path.Combine(folder, $"{i:D3}.png"), data.ToArray());
        }
        return root;
    }

    [Fact]
    public void Builtin_fashion_mnist_and_a_folder_of_the_same_images_give_the_same_features()
    {
        string checkpoint = SmokeCheckpoint();
        using var ck = MsnCheckpoint.Load(checkpoint);
        var transform = EvalTransformResolver.Resolve(ck);
        Assert.Equal("the checkpoint's training config", transform.Origin);
        Assert.Equal((16, 16), (transform.ResizeTo, transform.CropSize));
        Assert.Equal([0.286f, 0.286f, 0.286f], transform.Mean);

        var builtin = new SubsetSource(DatasetLocation.Parse("fashion-mnist").OpenFashionMnist(train: true),
            Enumerable.Range(0, 24).ToArray());
        string folder = WritePngs(builtin, builtin.Count);
        using var encoder = ck.CreateTargetEncoder();
        using var a = FeatureExtractor.Extract(encoder, builtin, transform);

        // The folder goes through msn embed, which must pick the checkpoint's transform for a folder too.
        string embedded = Path.Combine(_dir, "folder.safetensors");
        Assert.Equal(0, CliRunner.Run(CliApp.CreateRoot(),
            ["embed", "-c", checkpoint, "--data", folder, "-o", embedded]));
        var file = SafetensorsFile.Read(embedded);
        var paths = System.Text.Json.JsonSerializer.Deserialize<string[]>(file.Metadata["paths"])!;
        var order = paths.Select(p => int.Parse(Path.GetFileNameWithoutExtension(p),
            System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        using var index = torch.tensor(order.Select(i => (long)i).ToArray());
        using var expected = a.Features.index_select(0, index);
        using var b = file["features"];
        Assert.Equal(expected.shape, b.shape);
        double worst = (expected - b).abs().max().item<float>();
        Assert.True(worst <= 1e-5 * Math.Max(1, expected.abs().max().item<float>()),
            $"max |builtin − folder| = {worst}");
        file["labels"].Dispose();

        // The override still reaches the old data-kind transforms, and official files fall back to ImageNet's.
        Assert.Equal(EvalTransform.ImageNet(16) with { Origin = "imagenet, chosen" },
            EvalTransformResolver.Resolve(ck, EvalTransformChoice.ImageNet));
        using var imported = new MsnCheckpoint(ck.Architecture)
        {
            TargetEncoder = ck.TargetEncoder,
            OwnsTensors = false,
        };
        Assert.StartsWith("imagenet", EvalTransformResolver.Resolve(imported).Origin);
    }
}
