using MaskedSiamese.Checkpoints;
using MaskedSiamese.Diagnostics;
using MaskedSiamese.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.Checkpoints;

/// <summary>A checkpoint's claimed architecture is checked against the tensors it holds before anything is
/// built.</summary>
public sealed class CheckpointClaimsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-claims-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    public static TheoryData<EncoderArchitecture> Architectures() =>
    [
        new EncoderArchitecture(new VitOptions(16, 4, 32, 2, 2), new ProjectionHeadOptions(24, 8), 10),
        new EncoderArchitecture(new VitOptions(32, 8, 48, 1, 3, MlpRatio: 2, QkvBias: false), null, null),
    ];

    [Theory]
    [MemberData(nameof(Architectures))]
    public void The_shapes_computed_from_an_architecture_are_those_of_the_model_it_builds(
        EncoderArchitecture architecture)
    {
        using var model = architecture.CreateEncoder();
        var actual = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);
        var expected = architecture.StateDictShapes();

        Assert.Equal(actual.Keys.Order(), expected.Keys.Order());
        foreach (var (key, shape) in actual) Assert.Equal(shape, expected[key]);
    }

    [Fact]
    public void A_small_file_claiming_a_huge_architecture_is_refused_before_anything_is_allocated()
    {
        var small = new EncoderArchitecture(new VitOptions(16, 4, 32, 1, 2), new ProjectionHeadOptions(24, 8), 10);
        using var model = small.CreateEncoder();
        string path = Path.Combine(_dir, "claims.safetensors");
        // The weights of the small model under a ViT-H-sized claim (~630M parameters, ~2.5 GB if built).
        var huge = new EncoderArchitecture(new VitOptions(224, 14, 1280, 32, 16), new ProjectionHeadOptions(2048, 256),
            1024);
        var tensors = model.state_dict()
            .Select(kv => new KeyValuePair<string, Tensor>("target_encoder." + kv.Key, kv.Value));
        SafetensorsFile.Write(path, tensors, new Dictionary<string, string>
        {
            ["format"] = MsnCheckpoint.FormatName,
            ["architecture"] = huge.ToJson(),
        });

        long before = ProcessMemory.ResidentBytes();
        var e = Assert.Throws<CheckpointFormatException>(() => MsnCheckpoint.Load(path));

        Assert.Matches("target_encoder: (missing key|key .* the architecture claims)", e.Message);
        Assert.Contains(path, e.Message);
        Assert.True(ProcessMemory.ResidentBytes() - before < 200L << 20, "nothing of the claimed size was allocated");
    }

    [Fact]
    public void Training_metadata_that_is_not_JSON_is_a_format_error_naming_the_file()
    {
        var arch = new EncoderArchitecture(new VitOptions(16, 4, 32, 1, 2), null, null);
        using var model = arch.CreateEncoder();
        string path = Path.Combine(_dir, "meta.safetensors");
        SafetensorsFile.Write(path, model.state_dict()
            .Select(kv => new KeyValuePair<string, Tensor>("encoder." + kv.Key, kv.Value)),
            new Dictionary<string, string>
            {
                ["format"] = MsnCheckpoint.FormatName,
                ["architecture"] = arch.ToJson(),
                ["training"] = "{not json",
            });

        var e = Assert.Throws<CheckpointFormatException>(() => MsnCheckpoint.Load(path));
        Assert.Contains("'training' metadata is not JSON", e.Message);
    }

    [Fact]
    public void An_encoder_with_NaN_weights_is_refused_naming_the_tensor()
    {
        var arch = new EncoderArchitecture(new VitOptions(16, 4, 32, 1, 2), null, null);
        using var model = arch.CreateEncoder();
        var weights = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        weights["blocks.0.mlp.fc1.weight"][0, 0] = float.NaN;
        using var ck = new MsnCheckpoint(arch) { TargetEncoder = weights };

        var e = Assert.Throws<CheckpointFormatException>(() => ck.CreateTargetEncoder());
        Assert.Contains("'blocks.0.mlp.fc1.weight' holds NaN or infinite values", e.Message);
    }
}
