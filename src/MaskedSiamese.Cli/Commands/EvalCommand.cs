using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MaskedSiamese.Data;
using MaskedSiamese.Evaluation;
using MaskedSiamese.IO;

namespace MaskedSiamese.Cli.Commands;

/// <summary><c>msn eval lowshot|linear|knn</c>: frozen-feature evaluations of a checkpoint, with baselines.</summary>
internal static class EvalCommand
{
    internal sealed class Common
    {
        public Option<FileInfo> Checkpoint { get; } = SharedOptions.Checkpoint(
            "Checkpoint to evaluate: ours (.safetensors, e.g. RUN/checkpoints/TAG-latest.safetensors) or an official " +
            "MSN .pth.tar. Its target (EMA) encoder is used, as in the paper.");

        public Option<string> Data { get; } = new("--data", "-d")
        {
            Description = "fashion-mnist (train 60k / test 10k; fashion-mnist:FOLDER for IDX files elsewhere) or a " +
                          "folder with train/ and val/ (class subfolders): labelled subsets are drawn from train/, " +
                          "accuracy is measured on val/.",
            DefaultValueFactory = _ => DatasetLocation.FashionMnistName,
        };

        public Option<string> Features { get; } = SharedOptions.Features(
            "Encoder output used as features: last-block (official: [CLS] after the last block, before the final " +
            "LayerNorm), final-norm ([CLS] after the final LayerNorm) or blocks:N (last N blocks " +
            "concatenated, N·D wide).");

        public Option<int?> NumHeads { get; } = SharedOptions.NumHeads();

        public Option<bool> NoBaselines { get; } = new("--no-baselines")
        {
            Description = "Skip the baselines evaluated on the same splits: raw pixels (Fashion-MNIST: the 784 bytes " +
                          "/ 255; folders: the eval-transformed image) and a randomly initialised encoder of the " +
                          "same architecture (seed 0).",
        };

        public Option<FileInfo?> Json { get; } = new("--json")
        {
            Description = "Write the results as JSON here (accuracy per split, mean, std, λ, timings).",
        };

        public Option<int> BatchSize { get; } =
            SharedOptions.BatchSize("Images per encoder forward during feature extraction (memory grows with it).");

        public Option<string?> CacheDir { get; } = SharedOptions.CacheDir();

        public Option<bool> NoCache { get; } = SharedOptions.NoCache();

        public Option<string> Device { get; } = SharedOptions.Device();

        public Option<string> Normalization { get; } = SharedOptions.Normalization();

        public IEnumerable<Option> All => [Checkpoint, Data, Features, NumHeads, NoBaselines, Json, BatchSize, CacheDir,
            NoCache, Device, Normalization];

        public LowShotEvaluationOptions ToOptions(ParseResult parse)
        {
            var choice = SharedOptions.ParseFeatures(parse.GetValue(Features)!);
            return new LowShotEvaluationOptions
            {
                Data = parse.GetValue(Data)!,
                Features = choice,
                Baselines = !parse.GetValue(NoBaselines),
                NumHeads = parse.GetValue(NumHeads),
                BatchSize = parse.GetValue(BatchSize),
                Device = SharedOptions.ParseDevice(parse.GetValue(Device)!),
                TransformChoice = SharedOptions.ParseNormalization(parse.GetValue(Normalization)!),
                Cache = SharedOptions.ParseCache(parse.GetValue(CacheDir), parse.GetValue(NoCache)),
                Progress = new FeatureProgress(),
            };
        }
    }

    public static Command Create() => new("eval", "Evaluate a checkpoint's frozen features with few labels " +
                                              "(lowshot), a linear probe (linear), k-NN (knn) or label selection " +
                                              "(selection), beside baselines, or RankMe (rankme).")
    {
        CreateLowShot(), CreateLinear(), CreateKnn(), EvalSelectionCommand.Create(new Common()),
        EvalRankMeCommand.Create(),
    };

    /// <summary>The options only <c>eval lowshot</c> has.</summary>
    private sealed class LowShotChoices
    {
        public Option<string> Shots { get; } = new("--shots")
        {
            Description = "Labelled images per class, comma-separated. Each count is drawn --splits times " +
                "(class-balanced, seeded).",
            DefaultValueFactory = _ => "1,2,5,10",
        };

        public Option<int> Splits { get; } = new("--splits")
        {
            Description = "Random splits per shot count (seeds 0..N-1); the table shows mean ± sample std over them.",
            DefaultValueFactory = _ => 3,
        };

        public Option<FileInfo?> SplitsFile { get; } = new("--splits-file")
        {
            Description = "Use stored splits instead of drawing: JSON {\"splits\": {\"seed0_k1\": [train " +
                "indices…], …}} (overrides --shots/--splits).",
        };

        public Option<double> Lambda { get; } = new("--lambda")
        {
            Description = "L2 strength λ of the logistic regression (objective Σ CE + λ/2‖W‖², as the " +
                          "official λ/n with cyanure). 0.0025 is the official README value; the best λ grows with " +
                          "noise: try 1e-3 to 1e-1, or --sweep-lambda.",
            DefaultValueFactory = _ => LogisticRegressionOptions.DefaultLambda,
        };

        public Option<bool> Sweep { get; } = new("--sweep-lambda")
        {
            Description = "Choose λ per split by 5-fold cross-validation on that split's own labels (needs ≥ 2 " +
                "shots per class; slower).",
        };

        public Option<FileInfo?> Chart { get; } = new("--chart")
        {
            Description = "Write a PNG chart of accuracy against shots per class here.",
        };

        public IEnumerable<Option> All => [Shots, Splits, SplitsFile, Lambda, Sweep, Chart];

        public LowShotProtocolOptions ToOptions(ParseResult parse)
        {
            int n = parse.GetValue(Splits);
            if (n < 1) throw new UserInputException($"--splits {n}: must be ≥ 1");
            double l = parse.GetValue(Lambda);
            if (!(l > 0) || double.IsInfinity(l)) throw new UserInputException($"--lambda {l}: must be > 0");
            return new LowShotProtocolOptions
            {
                Shots = ParseShots(parse.GetValue(Shots)!),
                Seeds = Enumerable.Range(0, n).ToArray(),
                GivenSplits = parse.GetValue(SplitsFile) is { } file ? ReadSplits(file) : null,
                CrossValidateLambda = parse.GetValue(Sweep),
                Solver = new LogisticRegressionOptions { Lambda = l },
            };
        }

        private static IReadOnlyList<LabelledSplit> ReadSplits(FileInfo file)
        {
            if (!file.Exists) throw new UserInputException($"--splits-file {file.FullName}: file not found");
            try
            {
                return LowShotSplits.ReadJson(file.FullName);
            }
            catch (JsonException e)
            {
                throw new UserInputException($"--splits-file {file.FullName}: not valid JSON ({e.Message})");
            }
        }
    }

    private static Command CreateLowShot()
    {
        var common = new Common();
        var lowShot = new LowShotChoices();
        var command = new Command("lowshot", "Low-shot evaluation as in the MSN paper: logistic regression on k " +
                                             "labelled images per class (features centred per sample and " +
                                             "L2-normalised), top-1 accuracy on the test set.");
        foreach (var o in common.All.Concat(lowShot.All)) command.Options.Add(o);
        command.SetAction((parse, cancellation) =>
        {
            var options = common.ToOptions(parse) with { Protocol = lowShot.ToOptions(parse) };
            var checkpoint = parse.GetValue(common.Checkpoint)!;
            var result = LowShotEvaluation.Run(checkpoint.FullName, options, Console.Error, cancellation);
            PrintLowShot(result, parse.GetValue(common.Json), parse.GetValue(lowShot.Chart));
            return Task.FromResult(0);
        });
        return command;
    }

    private static void PrintLowShot(LowShotEvaluationResult result, FileInfo? json, FileInfo? png)
    {
        Console.WriteLine();
        Console.Write(LowShotTable.Format(result.Report));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"features: {result.Features}, transform: {result.Transform}; {result.TotalSeconds:F1} s in " +
            $"all{(result.Dropped > 0 ? $"; {result.Dropped} unreadable images dropped" : "")}"));
        if (json is not null)
        {
            AtomicFile.WriteAllText(json.FullName, result.ToJson());
            Console.WriteLine($"JSON  → {json.FullName}");
        }
        if (png is not null)
        {
            result.SaveChart(png.FullName);
            Console.WriteLine($"chart → {png.FullName}");
        }
    }

    private static Command CreateLinear()
    {
        var common = new Common();
        var solver = new Option<string>("--solver")
        {
            Description = "lbfgs: the probe head's optimum (LayerNorm → L2 → Linear as linear_eval.py; its " +
                          "linear layer by whitened L-BFGS, converged in seconds); sgd: the official optimiser (SGD, " +
                          "Nesterov momentum 0.9, batch 256), trained until the loss on all training features stops " +
                          "falling (lr ÷10 at each plateau, 3 times).",
            DefaultValueFactory = _ => "lbfgs",
        };
        solver.AcceptOnlyFromAmong("lbfgs", "sgd");
        var maxSteps = new Option<int>("--max-steps")
        {
            Description = "Step cap of --solver sgd; the report says whether it converged.",
            DefaultValueFactory = _ => new LinearProbeOptions().MaxSteps,
        };
        var lr = new Option<double>("--lr")
        {
            Description = "Starting learning rate of --solver sgd (features are normalised, so a large rate is fine).",
            DefaultValueFactory = _ => new LinearProbeOptions().LearningRate,
        };
        var command = new Command("linear", "Linear probe on all training labels of frozen features; top-1 accuracy " +
            "on the test set.")
        {
            solver, maxSteps, lr,
        };
        foreach (var o in common.All) command.Options.Add(o);
        command.SetAction((parse, cancellation) =>
        {
            int steps = parse.GetValue(maxSteps);
            if (steps < 1) throw new UserInputException($"--max-steps {steps}: must be ≥ 1");
            double rate = parse.GetValue(lr);
            if (!(rate > 0) || double.IsInfinity(rate)) throw new UserInputException($"--lr {rate}: must be > 0");
            var probe = new LinearProbeOptions
            {
                Solver = parse.GetValue(solver) == "sgd" ? LinearProbeSolver.Sgd : LinearProbeSolver.Lbfgs,
                MaxSteps = steps,
                LearningRate = rate,
            };
            var options = common.ToOptions(parse);
            var path = parse.GetValue(common.Checkpoint)!.FullName;
            Report(parse, common, LinearProbeEvaluation.Run(path, options, probe, Console.Error, cancellation));
            return Task.FromResult(0);
        });
        return command;
    }

    private static Command CreateKnn()
    {
        var common = new Common();
        var k = new Option<int>("--k")
        {
            Description = "Neighbours voting (DINO's protocol uses 20).",
            DefaultValueFactory = _ => KnnClassifier.DefaultK,
        };
        var t = new Option<double>("--temperature")
        {
            Description = "T of the exp(cosine / T) vote weights (DINO: 0.07).",
            DefaultValueFactory = _ => KnnClassifier.DefaultTemperature,
        };
        var command = new Command("knn", "Weighted k-nearest-neighbour classification (cosine) with all training " +
            "labels; top-1 on the test set.")
        {
            k, t,
        };
        foreach (var o in common.All) command.Options.Add(o);
        command.SetAction((parse, cancellation) =>
        {
            int kk = parse.GetValue(k);
            double temperature = parse.GetValue(t);
            if (kk < 1) throw new UserInputException($"--k {kk}: must be ≥ 1");
            if (!(temperature > 0)) throw new UserInputException($"--temperature {temperature}: must be > 0");
            var options = common.ToOptions(parse);
            var path = parse.GetValue(common.Checkpoint)!.FullName;
            Report(parse, common, KnnEvaluation.Run(path, options, kk, temperature, Console.Error, cancellation));
            return Task.FromResult(0);
        });
        return command;
    }

    private static void Report(ParseResult parse, Common common, AllLabelsResult result)
    {
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{result.Protocol}: top-1 on {result.TestCount} test images, trained on {result.TrainCount} labelled " +
            $"images ({result.Classes} classes)"));
        foreach (var s in result.Scores)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {s.Name,-12} D {s.Dimension,6}  {100 * s.Accuracy,6:F2} %   ({s.FitSeconds:F1} s, features " +
                $"{s.FeatureSeconds:F1} s)"));
        if (parse.GetValue(common.Json) is { } json)
        {
            AtomicFile.WriteAllText(json.FullName, result.ToJson());
            Console.WriteLine($"JSON → {json.FullName}");
        }
    }

    /// <summary>Parses "1,2,5,10" into distinct positive counts.</summary>
    internal static int[] ParseShots(string text) => ParseCounts("--shots", text);

    /// <summary>Parses the comma-separated positive counts of <paramref name="option"/>, e.g. "1,2,5,10".</summary>
    internal static int[] ParseCounts(string option, string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var counts = new List<int>();
        foreach (var p in parts)
        {
            if (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int k) || k < 1)
                throw new UserInputException($"{option} '{text}': expected comma-separated positive " +
                    $"integers, e.g. 1,2,5,10");
            if (!counts.Contains(k)) counts.Add(k);
        }
        if (counts.Count == 0)
            throw new UserInputException($"{option} '{text}': expected comma-separated positive " +
                $"integers, e.g. 1,2,5,10");
        return [.. counts];
    }
}
