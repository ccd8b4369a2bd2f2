using System.Globalization;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Diagnostics;
using MaskedSiamese.Engine;
using MaskedSiamese.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.Engine;

/// <summary>
/// <c>mpiexec -n 2 msn pretrain</c> at batch B/2 per process against one process at batch B, same seed, on the smoke
/// recipe: the loss of every step and every tensor of the final checkpoint agree within the derived tolerance.
/// Needs MPICH's <c>mpiexec</c> (scripts/test.sh installs it); without one on the PATH the tests are skipped, saying
/// why.
/// </summary>
[Trait("Category", Support.TestCategories.Mpi)]
public sealed class MpiEquivalenceTests(ITestOutputHelper output) : IDisposable
{
    private const int Steps = 4;
    private const double Eps = 1e-8;   // AdamW's ε (the smoke recipe keeps the default)
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-mpi-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static string[] Recipe(int batch, string folder) =>
    [
        "pretrain", "--config", "smoke", "--no-eval", "-o", folder, "--max-steps",
        Steps.ToString(CultureInfo.InvariantCulture), "--set", $"criterion.batch_size={batch}", "--set",
        "meta.threads=1",
    ];

    [MpiexecFact]
    public void Two_processes_at_half_the_batch_reproduce_one_process()
    {
        string one = Path.Combine(_dir, "one"), two = Path.Combine(_dir, "two");
        // Both runs go through mpiexec, so that they differ only in the number of processes.
        RunUnderMpi(1, Recipe(8, one));
        RunUnderMpi(2, Recipe(4, two));

        var lossOne = Losses(Path.Combine(one, "smoke.csv"));
        var lossTwo = Losses(Path.Combine(two, "smoke.csv"));
        Assert.Equal(Steps, lossOne.Count);
        Assert.Equal(Steps, lossTwo.Count);
        for (int s = 0; s < Steps; s++)
            Assert.True(Math.Abs(lossOne[s] - lossTwo[s]) <= 1e-5 * Math.Abs(lossOne[s]),
                $"step {s}: loss {lossTwo[s]:R} on 2 processes, {lossOne[s]:R} on 1");

        var failures = CheckpointDisagreements(one, two, output.WriteLine);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>The tensors of the one-process run's final checkpoint (in folder <paramref name="one"/>) that the
    /// two-process run's (<paramref name="two"/>) exceeds the tolerance of <see cref="Compare"/> in, one line each;
    /// each tensor's margin goes to <paramref name="log"/>.</summary>
    internal static List<string> CheckpointDisagreements(string one, string two, Action<string> log)
    {
        // The files' tensors are made in this scope and go with it. (They were once also "moved" into it, which
        // TorchSharp 0.107 turns into dropping them from the scope while they still name it as their owner: their
        // finalisers then threw ObjectDisposedException on the GC's thread and killed the test host.)
        using var scope = NewDisposeScope();
        var a = SafetensorsFile.Read(Path.Combine(one, "checkpoints", "smoke-latest.safetensors"));
        var b = SafetensorsFile.Read(Path.Combine(two, "checkpoints", "smoke-latest.safetensors"));
        Assert.Equal(a.Names.Order(), b.Names.Order());
        double lrSum = SumOfLearningRates(Path.Combine(one, "smoke.csv"));
        var failures = a.Names.Where(n => !n.EndsWith(".step", StringComparison.Ordinal))
            .Select(name => Compare(name, a[name], b[name], lrSum, a, log)).OfType<string>().ToList();
        return failures;
    }

    /// <summary>
    /// Element-wise tolerance of one tensor, derived from what differs between the runs.
    /// (1) Rounding: the same numbers are summed in another order (Sinkhorn's sums, the synchronised BatchNorm
    /// statistics, the mean of two half-batch gradients), so each gradient element carries a relative error δ plus an
    /// absolute one ρ·G at the scale G of the largest gradients it is summed from (G: the largest RMS gradient of the
    /// model; the logged grad norms differ by up to 1.7e-5 relative over the 4 steps: δ = ρ = 1e-4 with margin).
    /// AdamW divides by the running RMS √v̂, so the update's error is that error over √v̂, and an update is at
    /// most lr in size, so the per-step difference is at most lr·min(2, δ + ρ·G/√v̂ᵢ). Elements whose true
    /// gradient is zero (the attention's key bias, to which softmax is blind; the biases and final LayerNorm shift that
    /// the head's BatchNorm removes) get pure rounding noise, which AdamW blows up to ±lr steps in both runs: for them
    /// only the 2·Σlr bound holds, and it carries over to the running mean of the BatchNorm that follows them. (2)
    /// AdamW's ε: the prototypes' gradients are summed over the N processes, N× the one-process ones; AdamW is scale
    /// invariant except for ε: m̂/(√v̂ + ε) becomes m̂/(√v̂ + ε/N), a difference of at most
    /// ε(1 − 1/N)/√v̂ᵢ per step. (3) Each step rounds the float32 parameter, so a tiny difference may flip its
    /// last bit: k·2⁻²³·max|p|. √v̂ comes from the one-process run's optimizer state (bias-corrected), with a
    /// factor 2 of margin. The target encoder, an average of the online encoder's past values, takes its online
    /// tensor's tolerance; AdamW's moments (the prototypes' N× and N²× larger) take the rounding error alone:
    /// δ·|m| + ρ·G and 2δ·v + 2ρ·G².
    /// </summary>
    private static string? Compare(string name, Tensor one, Tensor two, double lrSum, SafetensorsFile oneFile,
        Action<string> log)
    {
        double g = oneFile.Names.Where(k => k.EndsWith(".exp_avg_sq", StringComparison.Ordinal))
            .Max(k => Math.Sqrt(oneFile[k].max().item<float>() / (1 - Math.Pow(0.999, Steps))));
        const double delta = 1e-4, rho = 1e-4;
        const int n = 2;
        using var scope = NewDisposeScope();
        // Numbers as tensors of this scope: a temporary Scalar could be freed while LibTorch reads it (MSN0001).
        static Tensor Num(double value) => tensor(value, ScalarType.Float64);
        var a = one.to_type(ScalarType.Float64);
        var b = two.to_type(ScalarType.Float64);
        double ulps = Steps * Math.Pow(2, -23) * a.abs().max().item<double>();
        Tensor tolerance;
        string online = name.StartsWith("target_encoder.", StringComparison.Ordinal)
            ? "encoder." + name["target_encoder.".Length..]
            : name;
        string moment = $"optimizer.{online}.exp_avg_sq";
        if (name.StartsWith("optimizer.", StringComparison.Ordinal))
        {
            bool second = name.EndsWith("exp_avg_sq", StringComparison.Ordinal);
            double scale = name.Contains("prototypes", StringComparison.Ordinal) ? n : 1;
            a = a * Num(second ? scale * scale : scale);
            tolerance = second
                ? (Num(2 * delta) * a.abs()).add(Num(2 * rho * g * g * scale * scale), KeptScalars.One)
                : (Num(delta) * a.abs()).add(Num(rho * g * scale), KeptScalars.One);
        }
        else if (oneFile.Contains(moment))
        {
            var rms = (oneFile[moment].to_type(ScalarType.Float64) / Num(1 - Math.Pow(0.999, Steps))).sqrt();
            var relative = Num(delta).add(Num(rho * g) / rms, KeptScalars.One);
            if (online == "prototypes") relative = relative.add(Num(Eps * (1 - 1.0 / n)) / rms, KeptScalars.One);
            tolerance = (Num(lrSum) * minimum(Num(2) * relative, Num(2))).add(Num(ulps), KeptScalars.One);
        }
        else
        {
            // BatchNorm's running statistics: the mean follows the zero-gradient bias before it.
            double drift = name.EndsWith("running_mean", StringComparison.Ordinal) ? 2 * lrSum : 0;
            double bound = 2 * delta * a.abs().max().item<double>() + ulps + drift;
            tolerance = zeros_like(a).add(Num(bound), KeptScalars.One);
        }
        var excess = (b - a).abs() - tolerance;
        double worst = excess.max().item<double>();
        double diff = (b - a).abs().max().item<double>();
        log(string.Create(CultureInfo.InvariantCulture, $"{name}: max |Δ| {diff:E2}, worst margin {-worst:E2}"));
        return worst <= 0 ? null : string.Create(CultureInfo.InvariantCulture,
            $"{name}: exceeds its tolerance by {worst:E3} (max |Δ| {diff:E3})");
    }

    [MpiexecFact]
    public void Ranks_started_with_different_configurations_are_refused_with_one_line()
    {
        string folder = Path.Combine(_dir, "mismatch");
        var (code, _, errors) = Mpiexec.RunMsn(
            [Recipe(4, folder), [.. Recipe(4, folder), "--set", "optimization.lr=2.0e-3"]],
            TimeSpan.FromSeconds(60));
        Assert.Equal(1, code);
        var lines = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr:\n{errors}");
        Assert.StartsWith("msn: The configuration differs between processes: rank(s) 1 differ from rank 0", lines[0],
            StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder, "smoke.csv")), "a refused run wrote its log");
    }

    [MpiexecFact]
    public void Ranks_with_auto_precision_start_alike_and_record_rank_zeros_choice()
    {
        // auto was once a timing probe per rank whose figures went into the compared configuration: refused.
        string folder = Path.Combine(_dir, "auto");
        RunUnderMpi(2, [.. Recipe(4, folder), "--set", "meta.precision=auto"]);
        var expected = PrecisionRule.Auto(CpuFeatures.Current(), CPU);
        Assert.Equal(expected.Precision,
            RunPrecision.Recorded(Path.Combine(folder, "checkpoints", "smoke-latest.safetensors")));
        Assert.EndsWith($"# precision in use: {expected.Reason}\n",
            File.ReadAllText(Path.Combine(folder, "config.yaml")), StringComparison.Ordinal);
    }

    private static void RunUnderMpi(int processes, string[] args)
    {
        var (code, output, errors) = Mpiexec.RunMsn(Enumerable.Repeat(args, processes).ToList(),
            TimeSpan.FromSeconds(120));
        Assert.True(code == 0, $"mpiexec exited {code}:\n{output}\n{errors}");
    }

    internal static List<double> Losses(string csv) => Column(csv, "loss");

    private static double SumOfLearningRates(string csv) => Column(csv, "lr").Sum();

    private static List<double> Column(string csv, string column)
    {
        var lines = File.ReadAllLines(csv);
        int index = Array.IndexOf(lines[0].Split(','), column);
        return lines.Skip(1).Select(l => double.Parse(l.Split(',')[index], CultureInfo.InvariantCulture)).ToList();
    }
}
