using System.CommandLine;
using System.Globalization;
using System.Text;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Configuration;
using MaskedSiamese.Evaluation;
using MaskedSiamese.IO;
using MaskedSiamese.Selection;
using static TorchSharp.torch;

namespace MaskedSiamese.Cli.Commands;

/// <summary><c>msn select</c>: which images to label next.</summary>
internal static class SelectCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<FileInfo?>("--checkpoint", "-c")
        {
            Description = "Checkpoint whose target encoder's features guide the choice (ours or an official .pth.tar).",
        };
        var features = new Option<string?>("--features")
        {
            Description = "pixels: choose on raw pixels instead of a checkpoint's features (images of one size), or " +
                          "the encoder output with --checkpoint: last-block (default), final-norm or blocks:N.",
        };
        var data = new Option<string>("--data", "-d")
        {
            Description = "The images: a folder (flat, or with class subfolders) or fashion-mnist (its " +
                "training images).",
            Required = true,
        };
        var budget = new Option<int>("--budget", "-n") { Description = "How many images to choose.", Required = true };
        var labelled = new Option<FileInfo?>("--labelled")
        {
            Description = "CSV of the images already labelled (path,label): the modes they cover least come first.",
        };
        var strategy = new Option<string>("--strategy")
        {
            Description = "density-peaks (default: one image at a time, the densest far from every image chosen or " +
                "labelled and from anything denser), typicality (cluster, then each cluster's most typical image) " +
                "or uniform (at random).",
            DefaultValueFactory = _ => "density-peaks",
        };
        strategy.AcceptOnlyFromAmong("density-peaks", "typicality", "uniform");
        var seed = new Option<long>("--seed")
        {
            Description = "Seeds k-means, the sample of candidates beyond 20,000 images and every draw.",
            DefaultValueFactory = _ => 0,
        };
        var output = new Option<FileInfo>("--out", "-o")
        {
            Description = "CSV to write: rank,path,cluster,typicality, the most useful first (written atomically).",
            Required = true,
        };
        var heads = SharedOptions.NumHeads();
        var cacheDir = SharedOptions.CacheDir();
        var noCache = SharedOptions.NoCache();
        var command = new Command("select", "Choose which images to label next (cold start, or after --labelled " +
            "ones) from a checkpoint's features or raw pixels.")
        {
            checkpoint, features, data, budget, labelled, strategy, seed, output, heads, cacheDir, noCache,
        };
        command.SetAction((parse, cancellation) =>
        {
            var ck = parse.GetValue(checkpoint);
            string? featureText = parse.GetValue(features);
            bool pixels = featureText == "pixels";
            if (pixels == (ck is not null))
                throw new UserInputException("name either --checkpoint CK or --features pixels");
            string location = parse.GetValue(data)!;
            var choice = SharedOptions.ParseFeatures(pixels ? "last-block" : featureText ?? "last-block");
            var extracted = SelectionFeatures.Extract(location, ck?.FullName, choice, parse.GetValue(heads),
                SharedOptions.ParseCache(parse.GetValue(cacheDir), parse.GetValue(noCache)),
                new StageProgress("features", new FeatureProgress()), Console.Error, cancellation);
            using var table = extracted.Table;
            var pathOf = extracted.PathOf;
            var rowOf = Enumerable.Range(0, table.Count)
                .ToDictionary(r => Path.GetFullPath(pathOf(table.Indices[r])), r => r);
            var given = parse.GetValue(labelled) is { } file
                ? LabelsFile.Read(file.FullName, Path.GetFullPath(location), p =>
                    rowOf.TryGetValue(p, out int r) ? r : null)
                : [];
            int n = parse.GetValue(budget);
            int free = table.Count - given.Count;
            if (n < 1 || n > free)
                throw new UserInputException($"--budget {n}: must be between 1 and the {free} unlabelled " +
                    $"images of {location}");
            var options = new SelectionOptions
            {
                Strategy = SelectionStrategyName.Parse(parse.GetValue(strategy)!)!.Value,
                Seed = parse.GetValue(seed),
            };
            var watch = System.Diagnostics.Stopwatch.StartNew();
            IReadOnlyList<SelectedImage> chosen;
            using (var prepared = FeaturePreprocessing.CenterAndNormalize(table.Features))
                chosen = LabelSelection.Choose(prepared, n, options, given.Select(g => g.Row).ToList(),
                    LabelsFile.Classes(given, table.Count));
            var outFile = parse.GetValue(output)!;
            AtomicFile.WriteAllText(outFile.FullName, Csv(chosen, r => pathOf(table.Indices[r])));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{chosen.Count} of {table.Count} images chosen ({DescribeStrategy(options.Strategy, given.Count)}) " +
                $"in {watch.Elapsed.TotalSeconds:F1} s → {outFile.FullName}"));
            return Task.FromResult(0);
        });
        return command;
    }

    private static string DescribeStrategy(SelectionStrategy strategy, int labelled) =>
        SelectionStrategyName.Of(strategy) +
            (labelled > 0 ? $", {labelled} already labelled" : ", cold start");

    private static string Csv(IReadOnlyList<SelectedImage> chosen, Func<int, string> pathOf)
    {
        var text = new StringBuilder("rank,path,cluster,typicality\n");
        for (int i = 0; i < chosen.Count; i++)
            text.Append(string.Create(CultureInfo.InvariantCulture,
                $"{i + 1},{pathOf(chosen[i].Row)},{chosen[i].Cluster},{chosen[i].Typicality:R}\n"));
        return text.ToString();
    }
}
