using System.CommandLine;
using System.Globalization;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Configuration;
using MaskedSiamese.Evaluation;

namespace MaskedSiamese.Cli.Commands;

/// <summary><c>msn embed</c>: one feature vector per image, to CSV or safetensors.</summary>
internal static class EmbedCommand
{
    public static Command Create()
    {
        var checkpoint = SharedOptions.Checkpoint(
            "Our checkpoint (.safetensors) or an official MSN .pth.tar; its target encoder embeds the images.");
        var data = new Option<string>("--data", "-d")
        {
            Description = "fashion-mnist (fashion-mnist:FOLDER for IDX files elsewhere), a folder with train/ and " +
                          "val/, or a plain image folder (class subfolders give labels; a flat folder is unlabeled).",
            Required = true,
        };
        var split = new Option<string>("--split")
        {
            Description = "train, or val/test: which part of fashion-mnist or of a train/+val/ root to embed.",
            DefaultValueFactory = _ => "train",
        };
        split.AcceptOnlyFromAmong("train", "val", "test");
        var output = new Option<FileInfo>("--out", "-o")
        {
            Description = "FILE.csv (header path,label,f0,f1,…; label empty when unknown) or FILE.safetensors " +
                          "(features [N,F] float32, labels [N] int64 with -1 for unknown, paths in the metadata). " +
                          "Written atomically.",
            Required = true,
        };
        var features = SharedOptions.Features("last-block (official), final-norm, or blocks:N.");
        var heads = SharedOptions.NumHeads();
        var batch = SharedOptions.BatchSize();
        var device = SharedOptions.Device();
        var normalization = SharedOptions.Normalization();
        var command = new Command("embed", "Write the frozen encoder's feature of every image (with its path and " +
            "label) to CSV or safetensors.")
        {
            checkpoint, data, split, output, features, heads, batch, device, normalization,
        };
        command.SetAction((parse, cancellation) =>
        {
            var outFile = parse.GetValue(output)!;
            string ext = outFile.Extension.ToLowerInvariant();
            if (ext is not (".csv" or ".safetensors"))
                throw new UserInputException($"--out {outFile.Name}: the name must end in .csv or .safetensors");
            var choice = SharedOptions.ParseFeatures(parse.GetValue(features)!);
            var onDevice = SharedOptions.ParseDevice(parse.GetValue(device)!);
            string location = parse.GetValue(data)!;
            var (source, pathOf) = EmbeddingFiles.Open(location, parse.GetValue(split)!, Console.Error);
            var file = parse.GetValue(checkpoint)!;
            using var ck = MsnCheckpoint.LoadAny(file.FullName, parse.GetValue(heads));
            using var encoder = ck.CreateTargetEncoder(onDevice);
            var eval = EvalTransformResolver.Resolve(ck,
                SharedOptions.ParseNormalization(parse.GetValue(normalization)!));
            Console.Error.WriteLine("transform: " + eval.Describe());
            var progress = new FeatureProgress();
            var watch = System.Diagnostics.Stopwatch.StartNew();
            using var result = FeatureExtractor.Extract(encoder, source, eval, new FeatureExtractorOptions
            {
                BatchSize = parse.GetValue(batch),
                Choice = choice,
                Progress = new StageProgress("embed", progress),
            }, cancellation);
            double seconds = watch.Elapsed.TotalSeconds;
            if (ext == ".csv")
                EmbeddingFiles.WriteCsv(outFile.FullName, result, pathOf);
            else
                EmbeddingFiles.WriteSafetensors(outFile.FullName, result, pathOf, source.ClassNames,
                    new Dictionary<string, string>
                    {
                        ["checkpoint"] = file.FullName,
                        ["features"] = choice.ToString(),
                        ["transform"] = FeatureCache.Describe(eval),
                    });
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{result.Count} images × {result.Dimension} features ({choice}) in {seconds:F1} s " +
                $"({result.Count / Math.Max(seconds, 1e-3):F0} img/s) → {outFile.FullName}" +
                $"{(result.Dropped.Count > 0 ? $"; {result.Dropped.Count} unreadable images skipped" : "")}"));
            return Task.FromResult(0);
        });
        return command;
    }
}
