using System.CommandLine;
using System.Globalization;
using MaskedSiamese.Classification;

namespace MaskedSiamese.Cli.Commands;

/// <summary><c>msn fit</c>: a classifier file from a checkpoint's frozen features and a folder of labelled
/// images.</summary>
internal static class FitCommand
{
    public static Command Create()
    {
        var checkpoint = SharedOptions.Checkpoint("Checkpoint whose target encoder gives the features: ours " +
            "(.safetensors) or an official .pth.tar.");
        var data = new Option<string>("--data", "-d")
        {
            Description = "Folder of labelled images: one subfolder per class (its name is the class name).",
            Required = true,
        };
        var output = new Option<FileInfo>("--out", "-o")
        {
            Description = "Classifier file to write (e.g. classifier.msnc).",
            Required = true,
        };
        var folds = new Option<int>("--folds")
        {
            Description = "Folds of the stratified cross-validation that chooses λ (reduced to the smallest class).",
            DefaultValueFactory = _ => 5,
        };
        var seed = new Option<int>("--seed")
        {
            Description = "Seed of the cross-validation folds.",
            DefaultValueFactory = _ => 0,
        };
        var lambda = new Option<double?>("--lambda")
        {
            Description = "Use this λ instead of choosing it by cross-validation (objective Σ CE + λ/2‖W‖², " +
                "as msn eval lowshot).",
        };
        var features = SharedOptions.Features("last-block (official), final-norm, or blocks:N.");
        var normalization = SharedOptions.Normalization();
        var heads = SharedOptions.NumHeads();
        var batch = SharedOptions.BatchSize();
        var device = SharedOptions.Device();
        var command = new Command("fit", "Fit a classifier on frozen features of a few labelled images (centred, " +
                                         "L2-normalised, multinomial logistic regression, λ by cross-validation) " +
                                         "and write it, encoder included, to one file.")
        {
            checkpoint, data, output, folds, seed, lambda, features, normalization, heads, batch, device,
        };
        command.SetAction((parse, cancellation) =>
        {
            int k = parse.GetValue(folds);
            if (k < 2) throw new UserInputException($"--folds {k}: must be ≥ 2");
            double? fixedLambda = parse.GetValue(lambda);
            if (fixedLambda is { } l && (!(l > 0) || double.IsInfinity(l)))
                throw new UserInputException($"--lambda {l}: must be > 0");
            var options = new FewShotFitOptions
            {
                Features = SharedOptions.ParseFeatures(parse.GetValue(features)!),
                TransformChoice = SharedOptions.ParseNormalization(parse.GetValue(normalization)!),
                Folds = k,
                Seed = parse.GetValue(seed),
                CrossValidate = fixedLambda is null,
                FallbackLambda = fixedLambda ?? new FewShotFitOptions().FallbackLambda,
                NumHeads = parse.GetValue(heads),
                BatchSize = parse.GetValue(batch),
                Device = SharedOptions.ParseDevice(parse.GetValue(device)!),
                Progress = new StageProgress("fit", new FeatureProgress()),
            };
            var file = parse.GetValue(output)!;
            using var classifier = FewShotClassifier.Fit(parse.GetValue(checkpoint)!.FullName, parse.GetValue(data)!,
                options, Console.Error, cancellation);
            classifier.Save(file.FullName);
            Print(classifier, file.FullName);
            return Task.FromResult(0);
        });
        return command;
    }

    private static void Print(FewShotClassifier classifier, string path)
    {
        var r = classifier.Report;
        var counts = string.Join(", ", classifier.ClassNames.Select((n, i) => $"{n} {r.ClassCounts[i]}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{classifier.ClassNames.Count} classes, " +
            $"{r.ClassCounts.Sum()} labelled images " +
            $"({counts}){(r.Unreadable > 0 ? $"; {r.Unreadable} unreadable skipped" : "")}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"λ {r.Lambda:G4}: {r.LambdaChoice}"));
        Console.WriteLine(r.CrossValidatedAccuracy is { } cv
            ? string.Create(CultureInfo.InvariantCulture, $"cross-validated accuracy {100 * cv:F1} % ({r.Folds} folds)")
            : "cross-validated accuracy: not measured");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"training accuracy {100 * r.TrainingAccuracy:F1} %, L-BFGS {r.Iterations} iterations, " +
            $"{(r.Converged ? "converged" : "NOT converged")}"));
        Console.WriteLine($"features {classifier.Features}, transform " +
            $"{classifier.Transform.DescribeSettings()}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Seconds:F1} s → {path}"));
    }
}
