using MaskedSiamese.Cli;
using MaskedSiamese.Evaluation;
using MaskedSiamese.Onnx;
using MaskedSiamese.Tests.Evaluation;
using Microsoft.ML.OnnxRuntime;

namespace MaskedSiamese.Tests.Onnx;

/// <summary><c>msn export --format onnx</c> and <c>msn bench infer</c> through the same command tree and runner as
/// <c>msn</c>: exit codes, the runner's one-line errors and the files written.</summary>
public sealed class OnnxCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-onnx-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static (int Code, string Error) Msn(params string[] args)
    {
        using var error = new StringWriter();
        int code = CliRunner.Run(CliApp.CreateRoot(), args, error);
        return (code, error.ToString());
    }

    [Fact]
    public void Export_onnx_writes_a_model_onnx_runtime_runs_with_the_chosen_preprocessing()
    {
        string checkpoint = TinySetup.WriteCheckpoint(_dir);
        string path = Path.Combine(_dir, "encoder.onnx");
        var (code, error) = Msn("export", checkpoint, "--format", "onnx", "--normalization", "fashion-mnist", "-o",
            path);
        Assert.True(code == 0, error);
        using var session = new OnnxEncoderSession(File.ReadAllBytes(path));
        Assert.Equal(16, session.ImageSize);
        Assert.Equal(16, session.FeatureDim);
        Assert.Equal("16", session.Metadata[OnnxEncoderFormat.ResizeToKey]);   // Fashion-MNIST: resized straight to S
        Assert.Equal(16, session.Run(new float[2 * 3 * 16 * 16], 2).Length / 2);

        // Without a stored training config, auto falls back to the official ImageNet transform: resize
        // round(16·256/224).
        string auto = Path.Combine(_dir, "auto.onnx");
        Assert.Equal(0, Msn("export", checkpoint, "--format", "onnx", "-o", auto).Code);
        using (var autoSession = new OnnxEncoderSession(File.ReadAllBytes(auto)))
            Assert.Equal("18", autoSession.Metadata[OnnxEncoderFormat.ResizeToKey]);

        // The default format is still the official safetensors state dict.
        string safetensors = Path.Combine(_dir, "encoder.safetensors");
        Assert.Equal(0, Msn("export", checkpoint, "-o", safetensors).Code);
        Assert.Equal((byte)'{', File.ReadAllBytes(safetensors)[8]);
    }

    [Fact]
    public void Export_of_a_classifier_file_writes_its_probabilities_model_and_refuses_other_formats()
    {
        string file = Path.Combine(_dir, "classifier.msnc");
        using (var classifier = TinySetup.FitClassifier(_dir, FeatureChoice.LastBlock)) classifier.Save(file);
        string path = Path.Combine(_dir, "classifier.onnx");
        var (code, error) = Msn("export", file, "--format", "onnx", "-o", path);
        Assert.True(code == 0, error);
        using (var session = new InferenceSession(File.ReadAllBytes(path)))
        {
            Assert.Equal([-1, 3], session.OutputMetadata[OnnxClassifierFormat.ProbabilitiesOutput].Dimensions);
            Assert.Equal("[\"c0\",\"c1\",\"c2\"]",
                session.ModelMetadata.CustomMetadataMap[OnnxClassifierFormat.ClassNamesKey]);
        }

        foreach (var args in new[] { new[] { "--format", "safetensors" },
            ["--format", "onnx", "--normalization", "imagenet"] })
        {
            string refused = Path.Combine(_dir, "refused.out");
            var (refusedCode, refusedError) = Msn(["export", file, .. args, "-o", refused]);
            Assert.Equal(CliRunner.UserError, refusedCode);
            Assert.Single(refusedError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains(args[^1] == "imagenet" ? "--normalization" : "classifier.msnc", refusedError,
                StringComparison.Ordinal);
            Assert.False(File.Exists(refused));
        }
    }

    [Fact]
    public void Export_onnx_of_a_bad_checkpoint_is_one_line_and_exit_1()
    {
        string bad = Path.Combine(_dir, "bad.safetensors");
        File.WriteAllBytes(bad, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        string path = Path.Combine(_dir, "bad.onnx");
        var (code, error) = Msn("export", bad, "--format", "onnx", "-o", path);
        Assert.Equal(CliRunner.UserError, code);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("bad.safetensors", error, StringComparison.Ordinal);
        Assert.False(File.Exists(path));

        var (formatCode, formatError) = Msn("export", bad, "--format", "tflite", "-o", path);
        Assert.Equal(CliRunner.UserError, formatCode);
        Assert.Contains("tflite", formatError, StringComparison.Ordinal);
    }

    [Fact]
    public void Bench_infer_reports_both_engines_at_each_batch_size()
    {
        string checkpoint = TinySetup.WriteCheckpoint(_dir);
        string json = Path.Combine(_dir, "bench.json");
        var (code, error) = Msn("bench", "infer", "-c", checkpoint, "--batch-sizes", "1,2", "--rounds", "2",
            "--seconds", "0.05", "--json", json);
        Assert.True(code == 0, error);
        string text = File.ReadAllText(json);
        Assert.Contains("\"batch_size\": 2", text, StringComparison.Ordinal);
        Assert.Contains("onnx_images_per_second", text, StringComparison.Ordinal);

        Assert.Equal(CliRunner.UserError, Msn("bench", "infer", "-c", checkpoint, "--batch-sizes", "1,x").Code);
        Assert.Equal(CliRunner.UserError, Msn("bench", "infer", "-c", checkpoint, "--config", "smoke").Code);
    }
}
