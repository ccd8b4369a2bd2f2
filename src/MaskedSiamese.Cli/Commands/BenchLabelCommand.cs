using System.CommandLine;
using System.Globalization;
using MaskedSiamese.Labelling;

namespace MaskedSiamese.Cli.Commands;

/// <summary><c>msn bench label</c>: what the label page waits for, on synthetic features.</summary>
internal static class BenchLabelCommand
{
    public static Command Create()
    {
        var images = new Option<int>("--images")
        {
            Description = "Images in the session (synthetic features).",
            DefaultValueFactory = _ => 100_000,
        };
        var dimension = new Option<int>("--dim")
        {
            Description = "Feature width (ViT-S: 384).",
            DefaultValueFactory = _ => 384,
        };
        var labels = new Option<string>("--labels")
        {
            Description = "Numbers of labels at which one answer (save and refit) is timed, comma-separated.",
            DefaultValueFactory = _ => "20,100,1000",
        };
        var command = new Command("label", "A labelling session as msn label runs it, on synthetic features: " +
            "opening, the first suggestions, one answer (saved and refitted) at several numbers of labels, and " +
            "ranking the least sure.")
        {
            images, dimension, labels,
        };
        command.SetAction((parse, cancellation) =>
        {
            int n = parse.GetValue(images), dim = parse.GetValue(dimension);
            if (n < 2) throw new UserInputException($"--images {n}: must be ≥ 2");
            if (dim < 1) throw new UserInputException($"--dim {dim}: must be ≥ 1");
            var counts = EvalCommand.ParseCounts("--labels", parse.GetValue(labels)!);
            if (counts.Any(c => c < 2 || c >= n)) throw new UserInputException($"--labels: every count must be in " +
                $"[2, --images {n})");
            var r = LabellingBenchmark.Run(n, dim, counts);
            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(inv, $"{r.Images} images × {r.Dimension}: session opened in " +
                $"{r.OpenSeconds:F2} s, first suggestions in {r.FirstSuggestionsSeconds:F2} s"));
            for (int i = 0; i < r.Labels.Count; i++)
                Console.WriteLine(string.Create(inv, $"one answer at {r.Labels[i],5} labels (saved, refitted): " +
                    $"{r.AnswerMilliseconds[i],7:F1} ms"));
            Console.WriteLine(string.Create(inv, $"least sure page ({r.Images - r.Labels[^1]} unlabelled ranked): " +
                $"{r.LeastSureMilliseconds:F1} ms"));
            Console.WriteLine(string.Create(inv, $"a round of suggestions at {r.Labels[^1]} labels: " +
                $"{r.LaterSuggestionsSeconds:F2} s"));
            return Task.FromResult(0);
        });
        return command;
    }
}
