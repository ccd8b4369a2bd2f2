using System.CommandLine;
using System.Globalization;
using MaskedSiamese.Diagnostics;

namespace MaskedSiamese.Cli.Commands;

/// <summary><c>msn compare</c>: runs side by side from their run folders.</summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var runs = new Argument<DirectoryInfo[]>("runs")
        {
            Description = "Run folders of msn pretrain.",
            Arity = ArgumentArity.OneOrMore,
        };
        var chart = new Option<string?>("--chart")
        {
            Description = "Also draw the monitor's k-NN top-1 % and RankMe, one line a run (PNG), against minutes " +
                "of training or steps (--against).",
        };
        var against = new Option<string>("--against")
        {
            Description = "The chart's x axis: minutes (of training: which run learns faster on this host) or " +
                "steps (which learns more per step).",
            DefaultValueFactory = _ => "minutes",
        };
        against.AcceptOnlyFromAmong("minutes", "steps");
        var curves = new Option<bool>("--curves")
        {
            Description = "Also print every monitor measurement against steps: one row a step, k-NN % and RankMe " +
                "of each run.",
        };
        var command = new Command("compare", "Runs side by side: steps, minutes of training, the last loss, the " +
            "monitor's last k-NN top-1 % and RankMe, and the low-shot top-1 % at 1 and 10 labels per class when the " +
            "run was evaluated.")
        {
            runs, chart, against, curves,
        };
        command.SetAction(parse =>
        {
            var summaries = new List<RunSummary>();
            foreach (var folder in parse.GetValue(runs)!)
            {
                try { summaries.Add(RunSummary.Read(folder.FullName)); }
                catch (InvalidDataException e) { throw new UserInputException(e.Message); }
            }
            Console.WriteLine($"{"run",-32} {"steps",7} {"minutes",8} {"loss",7} {"k-NN %",7} {"RankMe",7} " +
                $"{"1/class",8} {"10/class",8}");
            foreach (var s in summaries)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{Path.GetFileName(s.Folder),-32} {s.Steps,7} {s.Minutes,8:F1} {s.Loss,7:F3} {s.Knn,7:F1} " +
                    $"{s.RankMe,7:F1} {Shot(s, 1),8} {Shot(s, 10),8}"));
            if (parse.GetValue(curves))
            {
                Console.WriteLine();
                Console.Write(RunComparisonTable.Curves(summaries));
            }
            if (parse.GetValue(chart) is { } png)
            {
                var axis = parse.GetValue(against) == "steps" ? RunComparisonAxis.Steps : RunComparisonAxis.Minutes;
                RunComparisonChart.SavePng(summaries, png, axis);
                Console.WriteLine($"chart → {Path.GetFullPath(png)}");
            }
            return 0;
        });
        return command;
    }

    private static string Shot(RunSummary s, int shots) =>
        s.LowShot.TryGetValue(shots, out double v) ? v.ToString("F1", CultureInfo.InvariantCulture) : "—";
}
