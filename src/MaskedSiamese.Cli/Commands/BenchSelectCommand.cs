using System.CommandLine;
using System.Globalization;
using MaskedSiamese.Selection;

namespace MaskedSiamese.Cli.Commands;

/// <summary><c>msn bench select</c>: time and memory of label selection at several numbers of images.</summary>
internal static class BenchSelectCommand
{
    public static Command Create()
    {
        var sizes = new Option<string>("--sizes")
        {
            Description = "Numbers of images (synthetic features), comma-separated.",
            DefaultValueFactory = _ => "10000,60000,100000,1000000",
        };
        var dimension = new Option<int>("--dim") { Description = "Feature width.", DefaultValueFactory = _ => 192 };
        var budget = new Option<int>("--budget") { Description = "Images to choose.", DefaultValueFactory = _ => 100 };
        var strategy = new Option<string>("--strategy")
        {
            Description = "density-peaks (the default of msn select) or typicality.",
            DefaultValueFactory = _ => "density-peaks",
        };
        strategy.AcceptOnlyFromAmong("density-peaks", "typicality");
        var command = new Command("select", "Label selection on synthetic features (64 Gaussian blobs): seconds " +
            "and peak memory above the features themselves, per number of images.")
        {
            sizes, dimension, budget, strategy,
        };
        command.SetAction((parse, cancellation) =>
        {
            int dim = parse.GetValue(dimension), n = parse.GetValue(budget);
            if (dim < 1) throw new UserInputException($"--dim {dim}: must be ≥ 1");
            var counts = EvalCommand.ParseCounts("--sizes", parse.GetValue(sizes)!);
            if (counts.Any(c => c <= n)) throw new UserInputException($"--sizes: every size must exceed --budget {n}");
            var chosen = SelectionStrategyName.Parse(parse.GetValue(strategy)!)!.Value;
            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(inv, $"{"images",10}  {"dim",5}  {"budget",6}  {"seconds",8}  " +
                $"{"peak MB above",13}"));
            foreach (int count in counts)
            {
                cancellation.ThrowIfCancellationRequested();
                var r = SelectionBenchmark.Run(count, dim, n, chosen);
                string peak = r.PeakGrowthBytes < 0 ? "n/a" : (r.PeakGrowthBytes / 1e6).ToString("F0", inv);
                Console.WriteLine(string.Create(inv, $"{r.Images,10}  {r.Dimension,5}  {r.Budget,6}  " +
                    $"{r.Seconds,8:F2}  {peak,13}"));
            }
            return Task.FromResult(0);
        });
        return command;
    }
}
