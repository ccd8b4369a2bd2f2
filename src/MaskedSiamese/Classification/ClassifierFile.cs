using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Data.Augmentation;
using MaskedSiamese.Evaluation;
using MaskedSiamese.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Classification;

/// <summary>
/// The classifier file (<c>.msnc</c>): safetensors holding the encoder (<c>encoder.*</c>, float32) and the head
/// (<c>head.weight</c> [D, C], float64), with metadata <c>format</c> = <c>maskedsiamese-classifier</c>,
/// <c>architecture</c> (JSON), <c>classifier</c> (JSON: class names, features, transform, image size, fit report,
/// head fit) and <c>sha256</c>, a digest of the metadata and every tensor's bytes. safetensors' own checks (sizes
/// before allocation) catch truncation; the digest catches damage that leaves the sizes intact.
/// </summary>
internal static class ClassifierFile
{
    public const string FormatName = "maskedsiamese-classifier";
    private const string HeadKey = "head.weight";
    private const string EncoderPrefix = "encoder.";

    public static void Write(string path, FewShotClassifier classifier, Dictionary<string, Tensor> encoder)
    {
        try
        {
            var head = classifier.Head;
            using var weights = torch.tensor(head.Weights.ToArray(), [head.Dimension, head.Classes], float64);
            // The trunk only: the projection head of pretraining plays no part in the features.
            var trunk = new EncoderArchitecture(classifier.Encoder, null, null);
            var keep = trunk.StateDictShapes();
            var tensors = encoder.Where(kv => keep.ContainsKey(kv.Key)).OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => new KeyValuePair<string, Tensor>(EncoderPrefix + kv.Key, kv.Value))
                .Append(new(HeadKey, weights)).ToList();
            string architecture = trunk.ToJson();
            string description = Describe(classifier).ToJsonString();
            var metadata = new Dictionary<string, string>
            {
                ["format"] = FormatName,
                ["format_version"] = "1",
                ["architecture"] = architecture,
                ["classifier"] = description,
                ["sha256"] = Digest(architecture, description, tensors),
            };
            SafetensorsFile.Write(path, tensors, metadata);
        }
        finally
        {
            foreach (var t in encoder.Values) t.Dispose();
        }
    }

    private static JsonObject Describe(FewShotClassifier c) => new()
    {
        ["class_names"] = new JsonArray([.. c.ClassNames.Select(n => (JsonNode)n)]),
        ["features"] = c.Features.ToString(),
        ["image_size"] = c.Encoder.ImageSize,
        ["transform"] = new JsonObject
        {
            ["resize"] = c.Transform.ResizeTo,
            ["crop"] = c.Transform.CropSize,
            ["antialias"] = c.Transform.Antialias,
            ["mean"] = new JsonArray([.. c.Transform.Mean.Select(v => (JsonNode)v)]),
            ["std"] = new JsonArray([.. c.Transform.Std.Select(v => (JsonNode)v)]),
        },
        ["report"] = JsonSerializer.SerializeToNode(c.Report),
        ["head_fit"] = JsonSerializer.SerializeToNode(c.Head.FitInfo),
    };

    public static bool IsClassifier(string path)
    {
        try
        {
            return SafetensorsFile.ReadHeader(path).Metadata.TryGetValue("format", out var format)
                && format == FormatName;
        }
        catch (Exception e) when (e is CheckpointFormatException or InvalidDataException)
        {
            return false;
        }
    }

    public static FewShotClassifier Read(string path, Device? device)
    {
        var file = SafetensorsFile.Read(path);
        try
        {
            var meta = file.Metadata;
            if (!meta.TryGetValue("format", out var format) || format != FormatName)
                throw new CheckpointFormatException($"{path}: not a MaskedSiamese classifier (no format " +
                    $"'{FormatName}' in its metadata)");
            string architecture = Required(path, meta, "architecture"),
                description = Required(path, meta, "classifier");
            var tensors = file.Names.Select(n => new KeyValuePair<string, Tensor>(n, file[n])).ToList();
            if (Required(path, meta, "sha256") != Digest(architecture, description, tensors))
                throw new CheckpointFormatException($"{path}: damaged (its content does not match the " +
                    $"SHA-256 it records)");
            return Build(path, architecture, description, file, device);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException
            or FormatException or NullReferenceException or KeyNotFoundException)
        {
            throw new CheckpointFormatException($"{path}: invalid classifier metadata ({e.Message})", e);
        }
        finally
        {
            foreach (var t in file.Tensors.Values) t.Dispose();
        }
    }

    private static FewShotClassifier Build(string path, string architectureJson, string descriptionJson,
        SafetensorsFile file, Device? device)
    {
        var architecture = EncoderArchitecture.FromJson(architectureJson);
        architecture.Vit.Validate();
        var d = JsonNode.Parse(descriptionJson)!.AsObject();
        var classNames = d["class_names"]!.AsArray().Select(n => n!.GetValue<string>()).ToArray();
        if (ClassNameRule.ProblemWith(classNames) is { } problem)
            throw new CheckpointFormatException($"{path}: {problem}");
        var features = FeatureChoice.Parse(d["features"]!.GetValue<string>());
        var transform = ReadTransform(d["transform"]!.AsObject());
        if (transform.CropSize != architecture.Vit.ImageSize)
            throw new CheckpointFormatException($"{path}: the transform crops {transform.CropSize} px, the encoder " +
                $"takes {architecture.Vit.ImageSize}");
        var report = d["report"].Deserialize<FewShotFitReport>() ?? throw new FormatException("no report");
        var fit = d["head_fit"].Deserialize<LogisticRegressionFitInfo>() ?? throw new FormatException("no head_fit");
        var weights = file[HeadKey];
        long dim = features.Dimension(architecture.Vit.EmbedDim);
        if (weights.dtype != float64 || !weights.shape.SequenceEqual([dim, classNames.Length]))
            throw new CheckpointFormatException($"{path}: head.weight is {weights.dtype} " +
                $"[{string.Join(", ", weights.shape)}], expected Float64 [{dim}, {classNames.Length}]");
        var head = MultinomialLogisticRegression.FromWeights(weights.data<double>().ToArray(), (int)dim,
            classNames.Length, fit);
        var encoderWeights = file.Tensors.Where(kv => kv.Key.StartsWith(EncoderPrefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[EncoderPrefix.Length..], kv => kv.Value, StringComparer.Ordinal);
        StateDictLoader.CheckShapes(architecture.StateDictShapes(), encoderWeights, $"{path}: encoder");
        using var checkpoint = new MsnCheckpoint(architecture) { TargetEncoder = encoderWeights, OwnsTensors = false };
        var encoder = checkpoint.CreateTargetEncoder(device);
        return new FewShotClassifier(encoder, head, classNames, features, transform, report);
    }

    private static EvalTransform ReadTransform(JsonObject t)
    {
        static float[] Three(JsonNode? n)
        {
            var v = n!.AsArray().Select(x => x!.GetValue<float>()).ToArray();
            return v.Length == 3 && v.All(float.IsFinite)
                ? v
                : throw new FormatException("mean and std need 3 finite values");
        }
        var options = new EvalTransform
        {
            ResizeTo = t["resize"]!.GetValue<int>(),
            CropSize = t["crop"]!.GetValue<int>(),
            Antialias = t["antialias"]!.GetValue<bool>(),
            Mean = Three(t["mean"]),
            Std = Three(t["std"]),
            Origin = "recorded in the classifier",
        };
        // The digest proves integrity, not origin (anyone can re-sign an edited file), so every value is bounded: a
        // resize of 12000 made predict on tiny images take 12 GB, a std of 1e-38 turned every probability into NaN.
        if (options.CropSize < 1 || options.ResizeTo < options.CropSize || options.ResizeTo > 4 * options.CropSize)
            throw new FormatException($"impossible transform (resize {options.ResizeTo} must lie between crop " +
                $"{options.CropSize} and 4 × crop)");
        if (options.Std.Any(s => s is < 1e-3f or > 1e3f) || options.Mean.Any(m => Math.Abs(m) > 1e3f))
            throw new FormatException("impossible normalisation (std must lie in [0.001, 1000], |mean| ≤ 1000)");
        return options;
    }

    private static string Required(string path, IReadOnlyDictionary<string, string> meta, string key) =>
        meta.TryGetValue(key, out var v)
            ? v
            : throw new CheckpointFormatException($"{path}: no '{key}' in the metadata");

    // Covers the metadata that matters and every tensor (name, dtype, shape, bytes) in name order. Internal, not
    // private: the fuzzing harness re-signs mutated files with it so that mutations reach the checks behind the digest.
    internal static string Digest(string architecture, string description,
        IEnumerable<KeyValuePair<string, Tensor>> tensors) =>
        ContentDigest.Of([architecture, description], tensors);
}
