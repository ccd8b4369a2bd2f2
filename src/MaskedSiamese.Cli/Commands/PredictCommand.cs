using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using MaskedSiamese.Classification;
using MaskedSiamese.Data;
using MaskedSiamese.IO;

namespace MaskedSiamese.Cli.Commands;

/// <summary><c>msn predict</c>: the classes of images with a classifier file from <c>msn fit</c>.</summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var classifierFile = new Argument<FileInfo>("classifier")
        {
            Description = "Classifier file written by msn fit (.msnc).",
        };
        var inputs = new Argument<string[]>("images")
        {
            Description = "Image files and folders (walked recursively).",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = new Option<FileInfo?>("--out", "-o")
        {
            Description = "CSV to write (path,class,probability,top_k,true_class,error; one row per file, unreadable " +
                "ones with their reason). Default: stdout.",
        };
        var topK = new Option<int>("--top-k")
        {
            Description = "Classes listed per image in top_k.",
            DefaultValueFactory = _ => 3,
        };
        var eval = new Option<bool>("--eval")
        {
            Description = "The inputs are labelled folders (class subfolders named as the classifier's classes): " +
                "print accuracy and a per-class table, and draw the confusion matrix.",
        };
        var confusion = new Option<FileInfo>("--confusion")
        {
            Description = "With --eval: where the confusion-matrix PNG goes.",
            DefaultValueFactory = _ => new FileInfo("confusion_matrix.png"),
        };
        var batch = SharedOptions.BatchSize();
        var device = SharedOptions.Device();
        var command = new Command("predict", "Predict the class of every image with a classifier file (msn fit); " +
            "unreadable files are reported, never fatal.")
        {
            classifierFile, inputs, output, topK, eval, confusion, batch, device,
        };
        command.SetAction((parse, cancellation) =>
        {
            int k = parse.GetValue(topK);
            if (k < 1) throw new UserInputException($"--top-k {k}: must be ≥ 1");
            var file = parse.GetValue(classifierFile)!;
            using var classifier = FewShotClassifier.Load(file.FullName,
                SharedOptions.ParseDevice(parse.GetValue(device)!));
            bool evaluate = parse.GetValue(eval);
            var source = ImagePathSource.Open(parse.GetValue(inputs)!, evaluate ? classifier.ClassNames : null);
            var watch = Stopwatch.StartNew();
            var predictions = classifier.Predict(source, parse.GetValue(batch),
                new StageProgress("predict", new FeatureProgress()), cancellation);
            double seconds = watch.Elapsed.TotalSeconds;
            WriteRows(parse.GetValue(output), source, predictions, k);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{source.Count} files: {predictions.Count} predicted, {predictions.Unreadable.Count} unreadable " +
                $"(listed with their reason) in {seconds:F1} s " +
                $"({predictions.Count / Math.Max(seconds, 1e-3):F0} img/s)"));
            if (evaluate) Evaluate(predictions, parse.GetValue(confusion)!);
            return Task.FromResult(0);
        });
        return command;
    }

    private static void WriteRows(FileInfo? output, ImagePathSource source, ClassPredictions predictions, int k)
    {
        if (output is null)
        {
            PredictionCsv.Write(Console.Out, source, predictions, k);
            return;
        }
        AtomicFile.Write(output.FullName, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            PredictionCsv.Write(writer, source, predictions, k);
        });
        Console.Error.WriteLine($"predictions → {output.FullName}");
    }

    private static void Evaluate(ClassPredictions predictions, FileInfo png)
    {
        var matrix = ConfusionMatrix.From(predictions);
        if (matrix.Total == 0)
            throw new UserInputException("--eval: no image lies in a class subfolder named as one of the " +
                                         $"classifier's classes ({string.Join(", ", predictions.ClassNames)})");
        int unlabelled = predictions.Labels.Count(l => l < 0);
        Console.WriteLine();
        Console.Write(matrix.FormatTable());
        if (unlabelled > 0) Console.WriteLine($"({unlabelled} images outside the classes' folders not counted)");
        ConfusionMatrixChart.SavePng(matrix, png.FullName);
        Console.WriteLine($"confusion matrix → {png.FullName}");
    }
}
