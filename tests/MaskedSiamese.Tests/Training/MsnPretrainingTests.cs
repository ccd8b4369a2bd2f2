using MaskedSiamese.Checkpoints;
using MaskedSiamese.Data;
using MaskedSiamese.Data.Augmentation;
using MaskedSiamese.Engine;
using MaskedSiamese.Loss;
using MaskedSiamese.Models;
using MaskedSiamese.Tests.Data;
using MaskedSiamese.Training;
using TorchSharp;

namespace MaskedSiamese.Tests.Training;

public sealed class MsnPretrainingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-train-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static readonly AugmentationOptions Views = AugmentationOptions.FashionMnistDefaults with
    {
        Global = AugmentationOptions.FashionMnistDefaults.Global with { Size = 16 },
        Focal = AugmentationOptions.FashionMnistDefaults.Focal with { Size = 8 },
        FocalCount = 2,
    };

    private static TinyPretraining Tiny(long? maxSteps = null) => new TinyPretraining().StoppingAt(maxSteps);

    private static MultiViewLoader Loader(int images = 24) =>
        new(new SyntheticSource(images, 20, 20), Views,
            new LoaderOptions { BatchSize = 8, Seed = 7, Workers = 1, Prefetch = 2 });

    [Fact]
    public void Stopping_and_resuming_ends_bit_for_bit_where_an_uninterrupted_run_ends()
    {
        string straight = Path.Combine(_dir, "straight"), resumed = Path.Combine(_dir, "resumed");
        using (var loader = Loader()) Tiny().Run(loader, straight);
        using (var loader = Loader())
        {
            var first = Tiny(maxSteps: 2).Run(loader, resumed);
            Assert.Equal(2, first.StepsDone);
            Assert.False(first.Completed);
        }
        using (var loader = Loader())
        {
            var rest = Tiny().Run(loader, resumed, resume: true);
            Assert.Equal(6, rest.StepsDone);
            Assert.True(rest.Completed);
        }

        using var a = MsnCheckpoint.Load(Path.Combine(straight, "checkpoints", "tiny-latest.safetensors"));
        using var b = MsnCheckpoint.Load(Path.Combine(resumed, "checkpoints", "tiny-latest.safetensors"));
        Assert.Equal(6, a.Training!["step"]!.GetValue<double>());
        var parts = new[]
        {
            ("encoder", a.Encoder!, b.Encoder!), ("target", a.TargetEncoder!, b.TargetEncoder!),
            ("optimizer", a.Optimizer!, b.Optimizer!),
        };
        foreach (var (part, x, y) in parts)
            foreach (var (k, v) in x)
                Assert.True(v.equal(y[k]).all().item<bool>(), $"{part}.{k} differs");
        Assert.True(a.Prototypes!.equal(b.Prototypes!).all().item<bool>());
        // The resumed log reads as one run: every step once, in order.
        Assert.Equal(Enumerable.Range(0, 6).Select(i => (double)i),
            MaskedSiamese.Diagnostics.RunLog.ReadCsv(Path.Combine(resumed, "tiny.csv")).Select(r => r["step"]));
        Assert.Equal(File.ReadAllLines(Path.Combine(straight, "tiny.csv")).Length,
            File.ReadAllLines(Path.Combine(resumed, "tiny.csv")).Length);
    }

    [Fact]
    public void Epoch_ends_write_checkpoints_and_the_run_folder_holds_config_and_logs()
    {
        string run = Path.Combine(_dir, "run");
        using var loader = Loader();
        var outcome = Tiny().Run(loader, run);
        Assert.True(File.Exists(Path.Combine(run, "config.yaml")));
        Assert.True(File.Exists(Path.Combine(run, "checkpoints", "tiny-ep001.safetensors")));
        Assert.True(File.Exists(Path.Combine(run, "checkpoints", "tiny-ep002.safetensors")));
        Assert.Equal(6, File.ReadAllLines(Path.Combine(run, "tiny.jsonl")).Length);
        var rows = MaskedSiamese.Diagnostics.RunLog.ReadCsv(Path.Combine(run, "tiny.csv"));
        Assert.All(rows, r => Assert.True(double.IsFinite(r["loss"]) && r["np"] >= 1 && r["lr"] > 0));
        using var ck = MsnCheckpoint.Load(outcome.LatestCheckpoint!);
        Assert.Equal(["encoder", "target_encoder", "prototypes", "optimizer", "training_state"], ck.Parts);
        Assert.Equal(1, ck.Training!["threads"]!.GetValue<double>());
    }

    [Fact]
    public void A_diverging_run_stops_with_a_clear_error_and_keeps_the_last_good_checkpoint()
    {
        string run = Path.Combine(_dir, "nan");
        var tiny = Tiny();
        var settings = tiny with
        {
            Recipe = tiny.Recipe with
            {
                Schedule = new ScheduleSettings(2, 1)
                {
                    WarmupEpochs = 0,
                    StartLearningRate = 1e30,
                    ReferenceLearningRate = 1e30,
                    FinalLearningRate = 1e30,
                },
            },
            Loop = tiny.Loop with { CheckpointEvery = 1 },
        };
        using var loader = Loader();
        var e = Assert.Throws<NonFiniteLossException>(() => settings.Run(loader, run));
        Assert.Contains($"the checkpoint of step {e.Step} is kept", e.Message);
        using var ck = MsnCheckpoint.Load(Path.Combine(run, "checkpoints", "tiny-latest.safetensors"));
        Assert.Equal(e.Step, (long)ck.Training!["step"]!.GetValue<double>());
        Assert.True(e.Step >= 1);
    }

    [Fact]
    public void Resume_without_a_checkpoint_is_refused()
    {
        using var loader = Loader();
        Assert.Throws<FileNotFoundException>(() => Tiny().Run(loader, Path.Combine(_dir, "none"), resume: true));
    }

    [Fact]
    public void Released_weights_start_both_encoders_from_the_target_and_a_fresh_optimizer()
    {
        using var release = OfficialCheckpointImporter.Import(Support.OfficialFixtures.First("_release.pth.tar"),
            numHeads: 2);
        // lr 0 and an EMA of two equal encoders leave every parameter where it started.
        var sized = FixtureSized(release.Architecture).StoppingAt(1);
        var settings = sized with
        {
            Recipe = sized.Recipe with
            {
                Schedule = new ScheduleSettings(1, 1)
                {
                    WarmupEpochs = 0,
                    StartLearningRate = 0,
                    ReferenceLearningRate = 0,
                    FinalLearningRate = 0,
                },
            },
        };
        using var loader = FixtureLoader();
        var outcome = settings.Run(loader, Path.Combine(_dir, "init"), initFrom: release);
        using var ck = MsnCheckpoint.Load(outcome.LatestCheckpoint!);
        foreach (var (name, _) in release.Architecture.CreateEncoder().named_parameters())
        {
            Assert.True(ck.Encoder![name].allclose(release.TargetEncoder![name]), $"encoder.{name}");
            Assert.True(ck.TargetEncoder![name].allclose(release.TargetEncoder![name]), $"target_encoder.{name}");
        }
        Assert.Equal(1, ck.Optimizer!["prototypes.step"].item<float>());   // fresh: one step taken here
    }

    [Fact]
    public void An_official_training_checkpoint_continues_with_its_optimizer_state()
    {
        using var training = OfficialCheckpointImporter.Import(Support.OfficialFixtures.First("_training.pth.tar"),
            numHeads: 2);
        var settings = FixtureSized(training.Architecture).StoppingAt(1);
        using var loader = FixtureLoader();
        var outcome = settings.Run(loader, Path.Combine(_dir, "cont"), initFrom: training);
        using var ck = MsnCheckpoint.Load(outcome.LatestCheckpoint!);
        float before = training.Optimizer!["prototypes.step"].item<float>();
        Assert.Equal(before + 1, ck.Optimizer!["prototypes.step"].item<float>());
        Assert.False(ck.Encoder!["cls_token"].allclose(training.Encoder!["cls_token"], 0, 0));
    }

    private static TinyPretraining FixtureSized(EncoderArchitecture architecture)
    {
        var tiny = Tiny();
        return tiny with { Recipe = tiny.Recipe with { Architecture = architecture, PatchDrop = 0.3 } };
    }

    private static MultiViewLoader FixtureLoader() =>
        new(new SyntheticSource(16, 36, 36), Views with
        {
            Global = Views.Global with { Size = 32 },
            Focal = Views.Focal with { Size = 16 },
        }, new LoaderOptions { BatchSize = 8, Seed = 1, Workers = 1, Prefetch = 2 });
}
