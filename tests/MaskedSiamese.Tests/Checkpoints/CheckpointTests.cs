using System.IO.Compression;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Models;
using MaskedSiamese.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.Checkpoints;

public sealed class CheckpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-ck-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    public static TheoryData<string> Releases() => OfficialFixtures.Sets("_release.pth.tar");

    public static TheoryData<string> Trainings() => OfficialFixtures.Sets("_training.pth.tar");

    [Theory]
    [MemberData(nameof(Releases))]
    public void Release_layout_imports_target_encoder_and_prototypes(string set)
    {
        using var ck = OfficialCheckpointImporter.Import(OfficialFixtures.PathOf(set), numHeads: 2);
        Assert.Equal(["target_encoder", "prototypes"], ck.Parts);
        Assert.DoesNotContain(ck.TargetEncoder!.Keys, k => k.StartsWith("module.", StringComparison.Ordinal));
        Assert.Equal(ck.Architecture.NumPrototypes, (int)ck.Prototypes!.shape[0]);
    }

    [Theory]
    [MemberData(nameof(Trainings))]
    public void Training_layout_imports_both_encoders_prototypes_and_optimizer_state(string set)
    {
        using var ck = OfficialCheckpointImporter.Import(OfficialFixtures.PathOf(set), numHeads: 2);
        Assert.Equal(["encoder", "target_encoder", "prototypes", "optimizer"], ck.Parts);
        // Each optimizer moment has the shape of the parameter it belongs to: the index → name map is right.
        foreach (var (name, t) in ck.Optimizer!.Where(kv => kv.Key.EndsWith(".exp_avg", StringComparison.Ordinal)))
        {
            string param = name[..^".exp_avg".Length];
            var expected = param == "prototypes" ? ck.Prototypes!.shape : ck.Encoder![param["encoder.".Length..]].shape;
            Assert.Equal(expected, t.shape);
        }
        Assert.Equal(OfficialParameterOrder.OptimizerIndexToName(ck.Architecture).Count, ck.Optimizer!.Count / 3);
    }

    [Theory]
    [MemberData(nameof(Trainings))]
    public void A_checkpoint_received_as_bytes_reads_as_the_file_does(string set)
    {
        // Another process's copy, as the ranks of a resumed run get rank 0's file.
        using var ck = OfficialCheckpointImporter.Import(OfficialFixtures.PathOf(set), numHeads: 2);
        string path = Path.Combine(_dir, "ours.safetensors");
        ck.Save(path);
        using var file = MsnCheckpoint.Load(path);
        using var bytes = MsnCheckpoint.Load("rank 0's " + path, File.ReadAllBytes(path));
        Assert.Equal(file.Architecture, bytes.Architecture);
        Assert.Equal(file.Training?.ToJsonString(), bytes.Training?.ToJsonString());
        Assert.Equal(file.Optimizer!.Keys.Order(), bytes.Optimizer!.Keys.Order());
        foreach (var (k, v) in file.Optimizer!) Assert.True(bytes.Optimizer![k].equal(v).all().item<bool>(), k);
        foreach (var (k, v) in file.Encoder!) Assert.True(bytes.Encoder![k].equal(v).all().item<bool>(), k);
        var damaged = File.ReadAllBytes(path)[..^4];
        var e = Assert.Throws<CheckpointFormatException>(() => MsnCheckpoint.Load("rank 0's copy", damaged));
        Assert.StartsWith("rank 0's copy: ", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Trainings))]
    public void Our_format_round_trips_every_part(string set)
    {
        using var ck = OfficialCheckpointImporter.Import(OfficialFixtures.PathOf(set), numHeads: 2);
        string path = Path.Combine(_dir, "ours.safetensors");
        ck.Save(path);
        using var back = MsnCheckpoint.Load(path);
        Assert.Equal(ck.Architecture, back.Architecture);
        Assert.Equal(ck.Parts, back.Parts);
        foreach (var (k, v) in ck.TargetEncoder!)
            Assert.True(back.TargetEncoder![k].equal(v).all().item<bool>(), k);
        Assert.True(back.Prototypes!.equal(ck.Prototypes!).all().item<bool>());
        Assert.Equal(ck.Optimizer!.Keys.Order(), back.Optimizer!.Keys.Order());
    }

    [Fact]
    public void Truncated_official_file_is_refused_with_its_name()
    {
        string src = OfficialFixtures.First("_release.pth.tar");
        string path = Path.Combine(_dir, "cut.pth.tar");
        var bytes = File.ReadAllBytes(src);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<CheckpointFormatException>(() => MsnCheckpoint.LoadAny(path));
        Assert.Contains(path, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_zip_that_is_not_a_checkpoint_and_a_text_file_are_refused()
    {
        string zip = Path.Combine(_dir, "other.zip");
        using (var z = ZipFile.Open(zip, ZipArchiveMode.Create)) z.CreateEntry("readme.txt");
        Assert.Contains("not a PyTorch checkpoint",
            Assert.Throws<CheckpointFormatException>(() => MsnCheckpoint.LoadAny(zip)).Message);
        string txt = Path.Combine(_dir, "notes.pth.tar");
        File.WriteAllText(txt, "just some words, not weights");
        Assert.Contains(txt, Assert.Throws<CheckpointFormatException>(() => MsnCheckpoint.LoadAny(txt)).Message);
    }

    [Fact]
    public void Loading_refuses_a_broadcastable_shape_naming_the_key()
    {
        using var scope = NewDisposeScope();
        var arch = new EncoderArchitecture(new VitOptions(16, 4, 8, 1, 2), null, null);
        using var model = arch.CreateEncoder();
        var sd = StateDictLoader.Snapshot(model);
        sd["pos_embed"] = torch.zeros(1, 1, 8);   // TorchSharp would silently broadcast this
        var e = Assert.Throws<CheckpointFormatException>(() => StateDictLoader.Load(model, sd, "x"));
        Assert.Contains("'pos_embed'", e.Message);
        sd.Remove("pos_embed");
        Assert.Contains("missing key 'pos_embed'",
            Assert.Throws<CheckpointFormatException>(() => StateDictLoader.Load(model, sd, "x")).Message);
        sd["pos_embed"] = torch.zeros(1, 17, 8);
        sd["extra"] = torch.zeros(1);
        Assert.Contains("unexpected key 'extra'",
            Assert.Throws<CheckpointFormatException>(() => StateDictLoader.Load(model, sd, "x")).Message);
    }

    [Fact]
    public void Unknown_architecture_without_head_count_is_refused_clearly()
    {
        string path = OfficialFixtures.First("_release.pth.tar");
        var e = Assert.Throws<CheckpointFormatException>(() => OfficialCheckpointImporter.Import(path));
        Assert.Contains("--num-heads", e.Message);
    }
}
