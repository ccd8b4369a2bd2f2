using System.CommandLine;
using System.Globalization;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Configuration;
using MaskedSiamese.Data;
using MaskedSiamese.Engine;
using MaskedSiamese.Evaluation;
using MaskedSiamese.Pretraining;
using MaskedSiamese.Training;

namespace MaskedSiamese.Cli.Commands;

/// <summary><c>msn eval rankme</c>: the monitor's two figures for saved checkpoints, RankMe (no labels needed) and
/// the k-NN top-1 % on the Fashion-MNIST monitor set.</summary>
internal static class EvalRankMeCommand
{
    public static Command Create()
    {
        var checkpoints = new Argument<FileInfo[]>("checkpoints")
        {
            Description = "Checkpoints: ours or official .pth.tar.",
            Arity = ArgumentArity.OneOrMore,
        };
        var data = new Option<string>("--data")
        {
            Description = "The monitor set's Fashion-MNIST (fashion-mnist, or fashion-mnist:FOLDER).",
            DefaultValueFactory = _ => DatasetLocation.FashionMnistName,
        };
        var command = new Command("rankme", "RankMe (Garrido et al. 2023: the effective rank of the embeddings, no " +
            "labels needed) and the k-NN top-1 % of each checkpoint's target encoder on the monitor set of msn " +
            "pretrain (2,000 Fashion-MNIST training images as the bank, 1,000 test images as queries), as its log " +
            "records them (in the precision the checkpoint's run recorded, as its monitor measured).")
        {
            checkpoints, data,
        };
        command.SetAction(parse =>
        {
            var location = DatasetLocation.Parse(parse.GetValue(data)!);
            if (!location.IsFashionMnist)
                throw new UserInputException($"--data {location.Text}: the monitor set is Fashion-MNIST's for now");
            Console.WriteLine($"{"checkpoint",-60} {"RankMe",8} {"k-NN %",8}");
            // The monitor set is decoded once per evaluation transform, not once per checkpoint; the key is what
            // changes the pixels (the cache's), not where the transform came from.
            var monitors = new Dictionary<string, KnnMonitor>(StringComparer.Ordinal);
            try
            {
                foreach (var file in parse.GetValue(checkpoints)!)
                {
                    using var checkpoint = MsnCheckpoint.LoadAny(file.FullName);
                    using var encoder = checkpoint.CreateTargetEncoder();
                    // The run's monitor measured in the run's precision: the same figures need the same products.
                    encoder.Precision = RunPrecision.Recorded(TrainingRecord.From(checkpoint.Training, file.FullName),
                        file.FullName) ?? Precision.Fp32;
                    var eval = EvalTransformResolver.Resolve(checkpoint);
                    string key = FeatureCache.Describe(eval);
                    if (!monitors.TryGetValue(key, out var monitor))
                        monitors[key] = monitor = KnnMonitor.ForFashionMnist(location, eval);
                    var (knn, rankMe) = monitor.Measure(encoder);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{file.FullName,-60} {rankMe,8:F1} {knn,8:F1}"));
                }
            }
            finally
            {
                foreach (var monitor in monitors.Values) monitor.Dispose();
            }
            return 0;
        });
        return command;
    }
}
