using System.CommandLine;
using System.Globalization;
using MaskedSiamese.IO;
using MaskedSiamese.Selection;

namespace MaskedSiamese.Cli.Commands;

/// <summary><c>msn eval selection</c>: which images to label, scored by a simulated labeller.</summary>
internal static class EvalSelectionCommand
{
    public static Command Create(EvalCommand.Common common)
    {
        var budgets = new Option<string>("--budgets")
        {
            Description = "Labelling budgets (images in all), comma-separated.",
            DefaultValueFactory = _ => "10,20,50,100",
        };
        var seeds = new Option<int>("--seeds")
        {
            Description = "Seeds (pools and draws) per budget.",
            DefaultValueFactory = _ => 5,
        };
        var pool = new Option<int>("--pool")
        {
            Description = "Unlabelled training images each seed selects from (drawn at random; all when fewer).",
            DefaultValueFactory = _ => 20_000,
        };
        var strategies = new Option<string>("--strategies")
        {
            Description = "Strategies, comma-separated, the first under test: density-peaks, typicality, in-rounds " +
                          "(as msn label suggests), margin (typicality cold start, then cluster-margin rounds), " +
                          "uniform, class-balanced.",
            DefaultValueFactory = _ => "density-peaks,uniform,class-balanced",
        };
        var command = new Command("selection", "Score label selection with a simulated labeller: per seed a pool of " +
            "training images, each strategy (density peaks, uniform and class-balanced random) picks each budget's " +
            "images, a logistic regression on their true labels is scored on the test images; checkpoint features " +
            "and raw pixels.")
        {
            budgets, seeds, pool, strategies,
        };
        foreach (var o in common.All) command.Options.Add(o);
        command.SetAction((parse, cancellation) =>
        {
            var options = new SelectionEvaluationOptions
            {
                Budgets = EvalCommand.ParseCounts("--budgets", parse.GetValue(budgets)!),
                Seeds = parse.GetValue(seeds),
                PoolSize = parse.GetValue(pool),
                Strategies = ParseStrategies(parse.GetValue(strategies)!),
            };
            try { options.Validate(); }
            catch (ArgumentException e) { throw new UserInputException(e.Message); }
            var extraction = common.ToOptions(parse);   // raw pixels unless --no-baselines
            string path = parse.GetValue(common.Checkpoint)!.FullName;
            var scores = SelectionEvaluation.RunOnCheckpoint(path, extraction, options, Console.Error, cancellation);
            Console.WriteLine();
            Console.Write(SelectionReport.Table(scores, options));
            if (parse.GetValue(common.Json) is { } json)
            {
                AtomicFile.WriteAllText(json.FullName, SelectionReport.ToJson(scores, options, path, extraction.Data));
                Console.WriteLine($"JSON → {json.FullName}");
            }
            return Task.FromResult(0);
        });
        return command;
    }

    private static List<SelectionStrategy> ParseStrategies(string text)
    {
        var parsed = new List<SelectionStrategy>();
        foreach (string name in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var strategy = SelectionStrategyName.Parse(name) ?? throw new UserInputException(
                $"--strategies: '{name}' is none of " +
                string.Join(", ", Enum.GetValues<SelectionStrategy>().Select(SelectionStrategyName.Of)));
            if (parsed.Contains(strategy)) throw new UserInputException($"--strategies: '{name}' is named twice");
            parsed.Add(strategy);
        }
        return parsed;
    }
}
