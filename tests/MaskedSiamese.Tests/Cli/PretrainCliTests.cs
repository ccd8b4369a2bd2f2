using MaskedSiamese.Checkpoints;
using MaskedSiamese.Cli;
using MaskedSiamese.Evaluation;
using MaskedSiamese.Tests.Data;
using SkiaSharp;

namespace MaskedSiamese.Tests.Cli;

/// <summary><c>msn pretrain</c> end to end through the same command tree as the executable: an image folder with
/// train/ and val/, mixed formats and unreadable files; stop early and resume; evaluate the checkpoint.</summary>
public sealed class PretrainCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-pretrain-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static int Msn(params string[] args) => CliRunner.Run(CliApp.CreateRoot(), args);

    private static void AssertUserError(string fragment, params string[] args)
    {
        using var error = new StringWriter();
        Assert.Equal(1, CliRunner.Run(CliApp.CreateRoot(), args, error));
        Assert.Contains(fragment, error.ToString(), StringComparison.Ordinal);
    }

    private static readonly string[] TinyRecipe =
    [
        "--config", "smoke", "--set", "optimization.max_steps=null", "--set", "optimization.epochs=2",
        "--set", "criterion.batch_size=4", "--set", "meta.threads=1", "--set", "logging.checkpoint_every=1",
        "--set", "data.mean=[0.5]", "--set", "data.std=[0.25]", "--set", "data.eval_resize=16", "--set",
        "data.eval_crop=16",
    ];

    /// <summary>root/train|val/cK: PNG, JPEG and BMP images of three colours, plus a zero-byte file, a text file named
    /// .png and a truncated JPEG in train.</summary>
    private string MixedFolder()
    {
        string root = Path.Combine(_dir, "images");
        var colours = new[] { new SKColor(220, 40, 40), new SKColor(40, 220, 40), new SKColor(40, 40, 220) };
        var formats = new[] { SKEncodedImageFormat.Png, SKEncodedImageFormat.Jpeg };
        foreach (var (split, count) in new[] { ("train", 4), ("val", 2) })
            for (int c = 0; c < 3; c++)
            {
                string folder = Path.Combine(root, split, $"c{c}");
                Directory.CreateDirectory(folder);
                for (int i = 0; i < count; i++)
                {
                    var k = colours[c];
                    if (i == 3)
                        TestImageFiles.WriteBmp(Path.Combine(folder, $"{i}.bmp"), 24, 20, k.Red, k.Green, k.Blue);
                    else TestImageFiles.WriteSkia(Path.Combine(folder, $"{i}.{(i % 2 == 0 ? "png" : "jpg")}"), 24, 20,
                        new SKColor((byte)(k.Red - 7 * i), k.Green, k.Blue), formats[i % 2]);
                }
            }
        string bad = Path.Combine(root, "train", "c0");
        File.WriteAllBytes(Path.Combine(bad, "empty.png"), []);
        File.WriteAllText(Path.Combine(bad, "notes.png"), "not an image");
        var jpeg = TestImageFiles.NoiseJpeg(24, 20);
        File.WriteAllBytes(Path.Combine(bad, "cut.jpg"), jpeg[..(jpeg.Length / 2)]);
        return root;
    }

    [Fact]
    public void Pretrain_on_a_mixed_folder_stops_resumes_to_the_same_weights_and_evaluates()
    {
        string images = MixedFolder();
        string straight = Path.Combine(_dir, "straight"), resumed = Path.Combine(_dir, "resumed");

        Assert.Equal(0, Msn(["pretrain", .. TinyRecipe, "--data", images, "-o", straight, "--no-eval"]));
        Assert.Equal(0, Msn(["pretrain", .. TinyRecipe, "--data", images, "-o", resumed, "--no-eval", "--max-steps",
            "3"]));
        Assert.Equal(0, Msn(["pretrain", .. TinyRecipe, "--data", images, "-o", resumed, "--no-eval", "--resume"]));

        using (var a = MsnCheckpoint.Load(Path.Combine(straight, "checkpoints", "smoke-latest.safetensors")))
        using (var b = MsnCheckpoint.Load(Path.Combine(resumed, "checkpoints", "smoke-latest.safetensors")))
        {
            Assert.True(a.Training!["step"]!.GetValue<double>() >= 4);
            Assert.Equal(a.Training["step"]!.GetValue<double>(), b.Training!["step"]!.GetValue<double>());
            foreach (var (k, v) in a.TargetEncoder!)
                Assert.True(v.equal(b.TargetEncoder![k]).all().item<bool>(), k);
        }
        foreach (var file in new[] { "config.yaml", "smoke.csv", "smoke.jsonl", "loss_curve.png" })
            Assert.True(File.Exists(Path.Combine(straight, file)), file);

        string json = Path.Combine(_dir, "lowshot.json");
        Assert.Equal(0, Msn("eval", "lowshot", "-c", Path.Combine(resumed, "checkpoints", "smoke-latest.safetensors"),
            "--data", images, "--shots", "1,2", "--splits", "2", "--json", json, "--no-cache"));
        var report = LowShotReport.FromJson(File.ReadAllText(json));
        Assert.Equal(3, report.Classes);
        Assert.Equal(6, report.TestCount);
        Assert.Equal(3, report.FeatureSets.Count);   // msn, pixels, random-init on the same splits
    }

    [Fact]
    public void Pretrain_refuses_a_bad_config_key_and_a_missing_folder_with_exit_code_1()
    {
        AssertUserError("criterion.temperature",
            ["pretrain", .. TinyRecipe, "--set", "criterion.temperature=-1", "-o", Path.Combine(_dir, "x")]);
        AssertUserError($"data folder '{Path.Combine(_dir, "nope")}' does not exist",
            ["pretrain", .. TinyRecipe, "--data", Path.Combine(_dir, "nope"), "-o", Path.Combine(_dir, "y")]);
        AssertUserError("latest.safetensors",
            ["pretrain", "--resume", "--config", "smoke", "-o", Path.Combine(_dir, "z")]);
        AssertUserError("fewer than one batch of 64",
            ["pretrain", .. TinyRecipe, "--set", "criterion.batch_size=64", "--data", MixedFolder(), "-o",
                Path.Combine(_dir, "w")]);
        Assert.False(Directory.Exists(Path.Combine(_dir, "x", "checkpoints")));
    }
}
