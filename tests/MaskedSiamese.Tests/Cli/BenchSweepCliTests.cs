using System.Text.Json;
using MaskedSiamese.Cli;
using MaskedSiamese.Cli.Commands;
using MaskedSiamese.Tests.Data;
using MaskedSiamese.Training;

namespace MaskedSiamese.Tests.Cli;

/// <summary><c>msn bench train --sweep</c> through the command tree: every value timed in its own precision, the
/// figures written as JSON, a malformed sweep refused as a user error.</summary>
public sealed class BenchSweepCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-bench-sweep-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static (int Code, string Error) Msn(params string[] args)
    {
        using var error = new StringWriter();
        int code = CliRunner.Run(CliApp.CreateRoot(), args, error);
        return (code, error.ToString());
    }

    private string Folder()
    {
        for (int c = 0; c < 2; c++)
        {
            string folder = Path.Combine(_dir, "images", "train", $"c{c}");
            Directory.CreateDirectory(folder);
            for (int i = 0; i < 8; i++)
                TestImageFiles.WriteBmp(Path.Combine(folder, $"{i}.bmp"), 20, 20, (byte)(40 * c + 5 * i), 90,
                    (byte)(200 - 9 * i));
        }
        return Path.Combine(_dir, "images");
    }

    private string[] Recipe() =>
    [
        "bench", "train", "--config", "smoke", "--set", $"data.dataset={Folder()}", "--set", "criterion.batch_size=4",
        "--set", "optimization.epochs=2", "--set", "optimization.max_steps=null", "--set", "meta.threads=1", "--steps",
        "1",
    ];

    [Fact]
    public void A_precision_sweep_times_each_value_in_its_own_precision_and_writes_the_figures()
    {
        string json = Path.Combine(_dir, "sweep.json");
        var (code, error) = Msn([.. Recipe(), "--sweep", "meta.precision=fp32,bf16", "--json", json]);
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var points = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(["fp32", "bf16"], points.Select(p => p.GetProperty("value").GetString()));
        Assert.Equal(["fp32", "bf16"],
            points.Select(p => p.GetProperty("result").GetProperty("precision").GetString()));
        Assert.All(points, p =>
        {
            var r = p.GetProperty("result");
            Assert.True(r.GetProperty("matmul_peak_gflops").GetDouble() > 0);
            // skipped in sweeps
            Assert.Equal(JsonValueKind.Null, r.GetProperty("loader_images_per_second").ValueKind);
            Assert.StartsWith("avx512_bf16 ", r.GetProperty("cpu").GetString(), StringComparison.Ordinal);
        });
        // Precision does not change the model's FLOPs: the ideal speed-up of a precision sweep is 1.
        Assert.All(points, p => Assert.Equal(1.0, p.GetProperty("ideal_speedup").GetDouble(), 9));
    }

    /// <summary>The summary over rounds takes medians: one round a drifting machine slowed does not move it.</summary>
    [Fact]
    public void Medians_over_rounds_are_not_moved_by_one_slowed_round()
    {
        static TrainingBenchmarkResult Result(double imagesPerSecond) =>
            new(8, 1, 2, 100, 100, 0, imagesPerSecond, 1e9, 10, 20, 0, null, new Dictionary<string, double>());
        List<TrainBenchSweep.Point> points =
        [
            new(1, "0", Result(100), 1, 1), new(1, "0.5", Result(130), 1.30, 1.4),
            new(2, "0", Result(100), 1, 1), new(2, "0.5", Result(60), 0.60, 1.4),   // the slowed round
            new(3, "0", Result(100), 1, 1), new(3, "0.5", Result(136), 1.36, 1.4),
        ];
        var medians = TrainBenchSweep.Medians(points);
        Assert.Equal(["0", "0.5"], medians.Select(m => m.Value));
        Assert.Null(medians[0].ShareOfIdealGain);   // the reference value has no gain to share
        Assert.Equal(3, medians[1].Rounds);
        Assert.Equal(130, medians[1].ImagesPerSecond, 9);
        Assert.Equal(1.30, medians[1].Speedup, 9);
        Assert.Equal(0.75, medians[1].ShareOfIdealGain!.Value, 9);   // shares 0.75, −1.0, 0.9
    }

    [Fact]
    public void A_sweep_without_values_is_a_user_error()
    {
        var (code, error) = Msn([.. Recipe(), "--sweep", "data.patch_drop"]);
        Assert.Equal(CliRunner.UserError, code);
        Assert.Contains("--sweep 'data.patch_drop': expected KEY=V1,V2,...", error, StringComparison.Ordinal);
    }
}
