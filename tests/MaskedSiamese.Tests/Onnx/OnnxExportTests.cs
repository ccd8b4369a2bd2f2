using System.Globalization;
using System.Text.Json.Nodes;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Configuration;
using MaskedSiamese.Data.Augmentation;
using MaskedSiamese.Models;
using MaskedSiamese.Onnx;
using MaskedSiamese.Tests.Evaluation;
using MaskedSiamese.Tests.Support;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.Onnx;

/// <summary>The exported ONNX encoder, loaded by ONNX Runtime with every graph optimisation, gives our outputs
/// (official features and final-norm [CLS]) within 1e-4 of max|ours| at batch 1 and 3 from one file.</summary>
public sealed class OnnxExportTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-onnx-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void Tiny_random_encoder_matches_at_batch_1_and_3()
    {
        using var encoder = OnnxParity.Perturbed(TinySetup.Encoder(seed: 3), seed: 4);
        using var session = new OnnxEncoderSession(OnnxEncoderExport.ToBytes(encoder));
        OnnxParity.AssertMatches(encoder, session, output, "tiny (D 16, depth 2, 16 px)", 1, 3);
    }

    [Fact]
    public void Fashion_mnist_sized_encoder_matches_at_batch_1_and_3()
    {
        using var generator = new Generator(7);
        // The fmnist_default trunk: D 192, depth 3, heads 3, patch 4 at 32 px (64 patches + [CLS]).
        using var encoder = OnnxParity.Perturbed(
            new VisionTransformer(new VitOptions(32, 4, 192, 3, 3), generator: generator), seed: 8);
        using var session = new OnnxEncoderSession(OnnxEncoderExport.ToBytes(encoder));
        OnnxParity.AssertMatches(encoder, session, output, "fmnist-sized (D 192, depth 3, 32 px)", 1, 3);
    }

    [Fact]
    public void Encoder_without_qkv_bias_at_a_size_not_divisible_by_the_patch_matches()
    {
        using var generator = new Generator(9);
        // 18 px at patch 4: the convolution drops the last 2 pixels of each side (4 × 4 patches), as ours does;
        // no qkv bias and an MLP ratio of 2 take the other branches of the writer.
        using var encoder = OnnxParity.Perturbed(new VisionTransformer(
            new VitOptions(18, 4, 24, 1, 3, MlpRatio: 2, QkvBias: false), generator: generator), seed: 10);
        using var session = new OnnxEncoderSession(OnnxEncoderExport.ToBytes(encoder));
        Assert.Equal(18, session.ImageSize);
        OnnxParity.AssertMatches(encoder, session, output, "no qkv bias, 18 px", 2);
    }

    [Fact]
    public void Imported_official_checkpoint_matches_ours_and_the_official_features()
    {
        string set = OfficialFixtures.First("_forward.safetensors");
        using var scope = NewDisposeScope();
        var fixture = SafetensorsFile.Read(set);
        int heads = int.Parse(fixture.Metadata["num_heads"], CultureInfo.InvariantCulture);
        using var checkpoint = OfficialCheckpointImporter.Import(
            OfficialFixtures.Sibling(Path.GetFileName(set), "_release.pth.tar"), heads);
        string path = Path.Combine(_dir, "official.onnx");
        OnnxEncoderExport.Write(checkpoint, path, new OnnxExportOptions { SourceName = "tiny_release.pth.tar" });
        using var encoder = checkpoint.CreateTargetEncoder();
        using var session = new OnnxEncoderSession(File.ReadAllBytes(path));
        OnnxParity.AssertMatches(encoder, session, output, "official tiny", 1, 3);

        // The fixture's images and the official code's own cls_last_block: ORT reproduces PyTorch's features too.
        var images = fixture["images"];
        float[] ort = session.Run(images.contiguous().data<float>().ToArray(), (int)images.shape[0]);
        OnnxParity.Compare(fixture["cls_last_block"], ort, "official tiny vs PyTorch cls_last_block", output);
    }

    [Fact]
    public void Official_training_layout_checkpoint_exports_its_target_encoder()
    {
        string set = OfficialFixtures.First("_forward.safetensors");
        int heads;
        using (NewDisposeScope())
            heads = int.Parse(SafetensorsFile.Read(set).Metadata["num_heads"], CultureInfo.InvariantCulture);
        using var checkpoint = MsnCheckpoint.LoadAny(
            OfficialFixtures.Sibling(Path.GetFileName(set), "_training.pth.tar"), heads);
        Assert.NotNull(checkpoint.TargetEncoder);
        using var encoder = checkpoint.CreateTargetEncoder();
        using var session = new OnnxEncoderSession(OnnxEncoderExport.ToBytes(encoder));
        OnnxParity.AssertMatches(encoder, session, output, "official tiny training layout", 2);
    }

    [Fact]
    public void File_declares_opset_names_dynamic_batch_and_preprocessing()
    {
        using var encoder = TinySetup.Encoder();
        var options = new OnnxExportOptions
        {
            Preprocessing = EvalTransform.FashionMnist(16),
            SourceName = "tiny.safetensors",
        };
        byte[] bytes = OnnxEncoderExport.ToBytes(encoder, options);
        var model = global::Onnx.ModelProto.Parser.ParseFrom(bytes);
        Assert.Equal(OnnxEncoderFormat.Opset, model.OpsetImport.Single(o => o.Domain.Length == 0).Version);
        var ops = model.Graph.Node.Select(n => n.OpType).ToHashSet();
        Assert.Superset(new HashSet<string> { "Conv", "LayerNormalization", "MatMul", "Softmax", "Erf", "Expand" },
            ops);
        Assert.DoesNotContain("Gelu", ops);   // the exact GELU is spelled with Erf, valid at opset 17

        using var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        using var session = new InferenceSession(bytes, sessionOptions);
        var input = Assert.Single(session.InputMetadata);
        Assert.Equal(OnnxEncoderFormat.InputName, input.Key);
        Assert.Equal([-1, 3, 16, 16], input.Value.Dimensions);   // -1: the symbolic batch
        Assert.Equal(OnnxEncoderFormat.BatchDimension, input.Value.SymbolicDimensions[0]);
        Assert.Equal([OnnxEncoderFormat.FeaturesOutput, OnnxEncoderFormat.FinalNormOutput], session.OutputNames);
        Assert.Equal([-1, 16], session.OutputMetadata[OnnxEncoderFormat.FeaturesOutput].Dimensions);
        var meta = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal("16", meta[OnnxEncoderFormat.ImageSizeKey]);
        Assert.Equal("16", meta[OnnxEncoderFormat.ResizeToKey]);
        Assert.Equal(string.Join(",", options.Preprocessing.Mean.Select(v =>
            v.ToString("R", CultureInfo.InvariantCulture))), meta[OnnxEncoderFormat.MeanKey]);
        Assert.Equal(3, meta[OnnxEncoderFormat.StdKey].Split(',').Length);
        Assert.Equal(TinySetup.Architecture.Vit,
            EncoderArchitecture.FromJson(meta[OnnxEncoderFormat.ArchitectureKey]).Vit);
        Assert.Equal("tiny.safetensors", meta[OnnxEncoderFormat.SourceKey]);
    }

    [Fact]
    public void Onnx_runtime_fuses_the_exact_gelu_with_its_bias()
    {
        // The README's claim: spelled as torch.onnx writes it, the GELU becomes ORT's BiasGelu, not five kernels.
        using var encoder = TinySetup.Encoder();
        string optimised = Path.Combine(_dir, "optimised.onnx");
        using (var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            OptimizedModelFilePath = optimised,
        })
        using (new InferenceSession(OnnxEncoderExport.ToBytes(encoder), options)) { }
        var ops = global::Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(optimised)).Graph.Node
            .Select(n => n.OpType).ToList();
        Assert.Equal(TinySetup.Architecture.Vit.Depth, ops.Count(op => op == "BiasGelu"));
        Assert.DoesNotContain("Erf", ops);
    }

    [Fact]
    public void Default_preprocessing_is_the_official_imagenet_transform()
    {
        var p = OnnxEncoderExport.DefaultPreprocessing(224);
        Assert.Equal(256, p.ResizeTo);
        Assert.Equal(224, p.CropSize);
        Assert.Equal(0.485f, p.Mean[0]);
    }

    [Fact]
    public void Auto_preprocessing_is_the_eval_transform_of_the_stored_training_config()
    {
        var config = ConfigPresets.Load("fmnist_default", []);
        var arch = config.ToArchitecture();
        using var encoder = arch.CreateEncoder();
        using var trained = new MsnCheckpoint(arch)
        {
            TargetEncoder = StateDictLoader.Snapshot(encoder),
            Training = new JsonObject { ["config"] = config.ToYaml() },
        };
        var p = EvalTransformResolver.FromTrainingConfig(trained);
        Assert.NotNull(p);
        Assert.Equal((32, 32), (p.ResizeTo, p.CropSize));
        Assert.Equal([0.286f, 0.286f, 0.286f], p.Mean);   // the gray statistic, once per replicated channel
        Assert.Equal([0.353f, 0.353f, 0.353f], p.Std);

        using var imported = new MsnCheckpoint(arch) { TargetEncoder = trained.TargetEncoder, OwnsTensors = false };
        Assert.Null(EvalTransformResolver.FromTrainingConfig(imported));
    }

    [Fact]
    public void Checkpoint_with_non_finite_weights_is_refused_before_writing()
    {
        string checkpoint = TinySetup.WriteCheckpoint(_dir);
        using var ck = MsnCheckpoint.LoadAny(checkpoint);
        using (var nan = float.NaN.ToScalar()) ck.TargetEncoder!["norm.weight"][0].fill_(nan);
        string path = Path.Combine(_dir, "nan.onnx");
        Assert.Throws<CheckpointFormatException>(() => OnnxEncoderExport.Write(ck, path));
        Assert.False(File.Exists(path));
    }
}
