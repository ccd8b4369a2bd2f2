using System.CommandLine;
using System.Globalization;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Classification;
using MaskedSiamese.Configuration;
using MaskedSiamese.Onnx;

namespace MaskedSiamese.Cli.Commands;

/// <summary><c>msn export</c>: the target encoder as an official-keyed safetensors state dict (for PyTorch) or as a
/// self-contained ONNX model (for ONNX Runtime and ML.NET).</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var input = new Argument<FileInfo>("checkpoint")
        {
            Description = "Our checkpoint (.safetensors), an official MSN .pth.tar, or a classifier file of msn fit " +
                "(.msnc; onnx only).",
        };
        var output = new Option<FileInfo>("--out", "-o")
        {
            Description = "File to write (atomically). safetensors: the target encoder with the official deit.py key " +
                          "names and shapes (no 'module.' prefix; head fc.* and BatchNorm buffers included); in " +
                          "PyTorch: model.load_state_dict(safetensors.torch.load_file(FILE)) on the official model " +
                          $"built with its head. onnx: the ViT trunk, opset {OnnxEncoderFormat.Opset}, input " +
                          $"'{OnnxEncoderFormat.InputName}' [batch, 3, S, S], outputs " +
                          $"'{OnnxEncoderFormat.FeaturesOutput}' (last block's [CLS], before the final norm) and " +
                          $"'{OnnxEncoderFormat.FinalNormOutput}'.",
            Required = true,
        };
        var format = new Option<string>("--format")
        {
            Description = "safetensors (default) or onnx.",
            DefaultValueFactory = _ => "safetensors",
        };
        format.AcceptOnlyFromAmong("safetensors", "onnx");
        var normalization = SharedOptions.Normalization(
            "onnx only: the preprocessing recorded in the model's metadata: auto (default: the eval transform of the " +
            "training config a checkpoint of msn pretrain stores, else imagenet), imagenet (official: ImageNet " +
            "mean/std, resize by 256/224, centre crop) or fashion-mnist (Fashion-MNIST mean/std, resized " +
            "to the image size).");
        var heads = SharedOptions.NumHeads();
        var command = new Command("export", "Export a checkpoint's target encoder: for PyTorch (official MSN " +
            "state-dict keys, safetensors) or as ONNX.")
        {
            input, output, format, normalization, heads,
        };
        command.SetAction(parse =>
        {
            var src = parse.GetValue(input)!;
            var dst = parse.GetValue(output)!;
            if (FewShotClassifier.IsClassifierFile(src.FullName))
                return ExportClassifier(src, dst, parse.GetValue(format)!,
                    parse.GetResult(normalization) is { Implicit: false });
            using var checkpoint = MsnCheckpoint.LoadAny(src.FullName, parse.GetValue(heads));
            string part = checkpoint.TargetEncoder is null ? "online" : "target";
            if (parse.GetValue(format) == "onnx")
            {
                var preprocessing = EvalTransformResolver.Resolve(checkpoint,
                    SharedOptions.ParseNormalization(parse.GetValue(normalization)!));
                long bytes = OnnxEncoderExport.Write(checkpoint, dst.FullName,
                    new OnnxExportOptions { Preprocessing = preprocessing, SourceName = src.Name });
                Console.WriteLine($"Exported the {part} encoder as ONNX (opset {OnnxEncoderFormat.Opset}, " +
                    $"{bytes / 1024.0:F0} KiB) → {dst.FullName}");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  preprocessing resize {preprocessing.ResizeTo}, crop {preprocessing.CropSize}, mean " +
                    $"[{string.Join(", ", preprocessing.Mean)}], std " +
                    $"[{string.Join(", ", preprocessing.Std)}] ({preprocessing.Origin})"));
            }
            else
            {
                int n = OfficialExport.Write(checkpoint, dst.FullName, src.Name);
                Console.WriteLine($"Exported {n} tensors of the {part} encoder → {dst.FullName}");
            }
            CheckpointSummary.Print(checkpoint, Console.Out);
            return 0;
        });
        return command;
    }

    // The classifier carries its own preprocessing and encoder: only the format is the user's to choose.
    private static int ExportClassifier(FileInfo src, FileInfo dst, string format, bool normalizationGiven)
    {
        if (format != "onnx")
            throw new UserInputException($"{src.FullName}: a classifier file exports only with --format onnx (its " +
                $"encoder alone: export the checkpoint it was fitted on)");
        if (normalizationGiven)
            throw new UserInputException("--normalization: a classifier file records its own preprocessing; leave " +
                "the option out");
        using var classifier = FewShotClassifier.Load(src.FullName);
        long bytes = OnnxClassifierExport.Write(classifier, dst.FullName, src.Name);
        var p = classifier.Transform;
        Console.WriteLine($"Exported the classifier ({classifier.ClassNames.Count} classes, features " +
                          $"{classifier.Features}) as ONNX (opset {OnnxEncoderFormat.Opset}, {bytes / 1024.0:F0} " +
                          $"KiB) → {dst.FullName}");
        Console.WriteLine($"  outputs '{OnnxClassifierFormat.ProbabilitiesOutput}' and " +
                          $"'{OnnxClassifierFormat.LogitsOutput}' [batch, {classifier.ClassNames.Count}]; classes in " +
                          $"metadata '{OnnxClassifierFormat.ClassNamesKey}'");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  preprocessing resize {p.ResizeTo}, crop {p.CropSize}, mean [{string.Join(", ", p.Mean)}], std " +
            $"[{string.Join(", ", p.Std)}] ({p.Origin})"));
        return 0;
    }
}
