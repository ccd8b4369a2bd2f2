using System.Text;
using System.Text.Json;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Classification;
using MaskedSiamese.Configuration;
using MaskedSiamese.Data;
using MaskedSiamese.Evaluation;
using MaskedSiamese.Labelling;
using MaskedSiamese.Onnx;
using MaskedSiamese.Selection;

namespace MaskedSiamese.Fuzz;

/// <summary>
/// The fuzz targets: one per reader of a file a user names. Each reads the way the command that takes such a file
/// does and checks the reader's promises on what it returns; the refusals listed are the exception types the CLI
/// reports in one line with exit 1 (<c>CliRunner.IsUserError</c>).
/// </summary>
public static class FuzzTargets
{
    /// <summary>Attention heads given for imported checkpoints (as <c>--num-heads</c>): the seeds' tiny encoders match
    /// no official model.</summary>
    public const int NumHeads = 2;

    /// <summary>Pixel limit of the image target: small, so that the memory bound is met by anything it lets through
    /// (4 bytes a pixel while decoding, 3 after); the limit itself is what is under test, not its default.</summary>
    public const long ImageMaxPixels = 4_000_000;

    /// <summary>Separates a config input's YAML from its <c>--set</c> overrides (one a line).</summary>
    public const string SetSeparator = "\n#--set\n";

    private static readonly Type[] CheckpointRefusals = [typeof(CheckpointFormatException)];

    /// <summary>Every target, by name.</summary>
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new("pickle", "input.pth.tar", ReadPickle, CheckpointRefusals),
        new("pickle-data", "data.pkl", path => ReadPickle(TorchArchive.WrapPickle(path)), CheckpointRefusals),
        new("safetensors", "input.safetensors", ReadSafetensors, CheckpointRefusals),
        new("idx", "input-idx-ubyte", ReadIdx, [typeof(InvalidDataException)]),
        new("idx-gz", "input-idx-ubyte.gz", ReadIdx, [typeof(InvalidDataException)]),
        new("image", "input.img", ReadImage, []),
        new("config", "input.yaml", ReadConfig, [typeof(ConfigException)]),
        // msn eval --splits-file turns the JsonException of malformed JSON into its one line (EvalCommand.ReadSplits).
        new("splits", "splits.json", ReadSplits, [typeof(InvalidDataException), typeof(JsonException)]),
        new("classifier", "input.msnc", ReadClassifier, CheckpointRefusals),
        new("classifier-signed", "input.msnc", path => ReadClassifier(ClassifierSigning.Resign(path)),
            CheckpointRefusals),
        new("onnx", "input.onnx", ReadOnnx, CheckpointRefusals),
        new("labels", "labels.csv", ReadLabels, [typeof(InvalidDataException)]),
        new("answers", "answers.csv", ReadAnswers, [typeof(InvalidDataException)]),
        new("label-project", "project.json", ReadLabelProject, [typeof(InvalidDataException)]),
    ];

    /// <summary>The images the labels and answers seeds name: img0.png … img9.png beside the input.</summary>
    public static readonly string[] LabelledImages = [.. Enumerable.Range(0, 10).Select(i => $"img{i}.png")];

    // msn select --labelled: rows must name images of the data, once each.
    private static void ReadLabels(string path)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var rows = LabelsFile.Read(path, folder, full =>
            Array.IndexOf(LabelledImages, Path.GetFileName(full)) is var i && i >= 0
                && Path.GetDirectoryName(full) == folder ? i : null);
        FuzzFindingException.Require(rows.All(r => r.Row >= 0 && r.Row < LabelledImages.Length),
            "a row outside the images");
        FuzzFindingException.Require(rows.Select(r => r.Row).Distinct().Count() == rows.Count,
            "an image labelled twice");
        FuzzFindingException.Require(rows.All(r => r.Label.Length > 0), "an empty label");
    }

    // msn label restarting on its answers: the session loads them as the page's server does.
    private static void ReadAnswers(string path)
    {
        using var features = TorchSharp.torch.zeros(LabelledImages.Length, 4);
        using var session = new LabellingSession(features, LabelledImages, ["a", "b"], new AnswerStore(path));
        var status = session.Status();
        FuzzFindingException.Require(status.Labelled + status.Skipped + status.NotSure <= LabelledImages.Length,
            "more answers than images");
    }

    // msn label reopening a project: what it reads must be usable by a session.
    private static void ReadLabelProject(string path)
    {
        var settings = LabellingProjectSettings.Read(path);
        FuzzFindingException.Require(settings.Classes.Count >= 2, "fewer than two classes");
        FuzzFindingException.Require(settings.Classes.All(c => LabelAnswer.ProblemWithClassName(c) is null),
            "a class name a session refuses");
        FuzzFindingException.Require(settings.Classes.Distinct().Count() == settings.Classes.Count,
            "a class named twice");
    }

    /// <summary>The target called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No such target.</exception>
    public static FuzzTarget Get(string name) => All.FirstOrDefault(t => t.Name == name)
        ?? throw new ArgumentException($"no fuzz target '{name}' (targets: " +
            $"{string.Join(", ", All.Select(t => t.Name))})", nameof(name));

    private static void ReadPickle(string path)
    {
        using var checkpoint = OfficialCheckpointImporter.Import(path, NumHeads);
        CheckEncoder(checkpoint);
    }

    private static void ReadSafetensors(string path)
    {
        var (entries, _) = SafetensorsFile.ReadHeader(path);
        using var checkpoint = MsnCheckpoint.Load(path);
        FuzzFindingException.Require(entries.Count >= checkpoint.Parts.Count, "more parts than tensors in the header");
        CheckEncoder(checkpoint);
    }

    // What eval, embed and export do next: build the encoder the checkpoint describes and load its weights.
    private static void CheckEncoder(MsnCheckpoint checkpoint)
    {
        if (checkpoint.TargetEncoder is null && checkpoint.Encoder is null) return;
        using var encoder = checkpoint.CreateTargetEncoder();
        FuzzFindingException.Require(encoder.Options == checkpoint.Architecture.Vit,
            "the encoder built differs from the architecture");
    }

    // The rank is not known from the file name: the input is read as a labels file (rank 1) and as an images file
    // (rank 3), and refused only when both readings refuse it.
    private static void ReadIdx(string path)
    {
        bool read = false;
        foreach (int rank in new[] { 1, 3 })
        {
            try
            {
                var (data, dims) = IdxFile.Read(path, rank);
                FuzzFindingException.Require(dims.Length == rank && dims.All(d => d > 0), "dimensions not positive");
                FuzzFindingException.Require(data.LongLength == dims.Aggregate(1L, (a, d) => a * d),
                    "data length differs from the dimensions");
                read = true;
            }
            catch (InvalidDataException) when (rank == 1 || read)
            {
                // Judged by the other reading.
            }
        }
    }

    // The folder loader's front end: the header probe of the scan, then the decode of a training step. Neither may
    // throw: every failure of one image is a reason, counted as a skip.
    private static void ReadImage(string path)
    {
        string? probe = ImageDecoder.Probe(path, ImageMaxPixels);
        var image = ImageDecoder.TryDecode(path, ImageMaxPixels, out string? error);
        FuzzFindingException.Require((image is null) != (error is null),
            "a decode gives an image or a reason, not both or neither");
        FuzzFindingException.Require(image is null || probe is null, "the probe refused an image the decoder accepts");
        if (image is null) return;
        FuzzFindingException.Require(image.Width > 0 && image.Height > 0
            && (long)image.Width * image.Height <= ImageMaxPixels,
            $"a {image.Width}×{image.Height} image past the limit");
        FuzzFindingException.Require(image.Rgb.LongLength == 3L * image.Width * image.Height,
            "pixel buffer of the wrong length");
    }

    // The YAML, then each line after the separator as a --set override; a config that loads must write YAML that
    // loads to the same config (MsnConfig.ToYaml's promise).
    private static void ReadConfig(string path)
    {
        string text = File.ReadAllText(path, Encoding.UTF8);
        int cut = text.IndexOf(SetSeparator, StringComparison.Ordinal);
        string yaml = cut < 0 ? text : text[..cut];
        string[] overrides = cut < 0
            ? []
            : text[(cut + SetSeparator.Length)..].Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var config = MsnConfig.Parse(yaml, path, overrides);
        _ = config.Warnings();
        string written = config.ToYaml();
        FuzzFindingException.Require(MsnConfig.Parse(written, "ToYaml").ToYaml() == written,
            "ToYaml does not round-trip");
    }

    private static void ReadSplits(string path)
    {
        foreach (var split in LowShotSplits.ReadJson(path))
            FuzzFindingException.Require(split.Indices.All(i => i >= 0), $"negative index in {split.Regime}");
    }

    private static void ReadClassifier(string path)
    {
        using var classifier = FewShotClassifier.Load(path);
        FuzzFindingException.Require(classifier.ClassNames.Count == classifier.Head.Classes,
            "class names and head differ");
    }

    private static void ReadOnnx(string path)
    {
        using var session = new OnnxEncoderSession(File.ReadAllBytes(path), threads: 1);
        FuzzFindingException.Require(session.ImageSize > 0 && session.FeatureDim > 0,
            "non-positive input or feature size");
    }
}
