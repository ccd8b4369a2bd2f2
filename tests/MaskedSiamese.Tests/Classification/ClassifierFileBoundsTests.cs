using System.Text.Json.Nodes;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.Classification;
using MaskedSiamese.Cli;
using MaskedSiamese.Evaluation;
using MaskedSiamese.Fuzz;
using MaskedSiamese.Tests.Evaluation;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.Classification;

/// <summary>
/// A classifier file's digest proves integrity, not origin: anyone can edit a field and sign again. So every value is
/// bounded like any input. Each case here was accepted before (a resize of 12000 took 12 GB in predict, a std of
/// 1e-38 gave NaN probabilities, duplicate names crashed predict --eval, a ';' broke the top_k field).
/// </summary>
public sealed class ClassifierFileBoundsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-msnc-bounds-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    // The classifier file with its description edited and signed again, as an attacker would.
    private string Edited(string original, Action<JsonObject> edit, string name)
    {
        var file = SafetensorsFile.Read(original);
        try
        {
            var meta = new Dictionary<string, string>(file.Metadata, StringComparer.Ordinal);
            var description = JsonNode.Parse(meta["classifier"])!.AsObject();
            edit(description);
            meta["classifier"] = description.ToJsonString();
            string path = Path.Combine(_dir, name + ".msnc");
            SafetensorsFile.Write(path, file.Names.Select(n => new KeyValuePair<string, Tensor>(n, file[n])), meta);
            return ClassifierSigning.Resign(path);
        }
        finally
        {
            foreach (var t in file.Tensors.Values) t.Dispose();
        }
    }

    [Theory]
    [InlineData("resize 12000", "impossible transform")]
    [InlineData("resize 2147483647", "impossible transform")]
    [InlineData("std 1e-38", "impossible normalisation")]
    [InlineData("mean 1e30", "impossible normalisation")]
    [InlineData("duplicate names", "appears twice")]
    [InlineData("separator in a name", "';'")]
    public void Edited_and_re_signed_fields_out_of_bounds_are_refused_in_one_line(string edit, string expected)
    {
        using (var fitted = TinySetup.FitClassifier(_dir, FeatureChoice.LastBlock))
            fitted.Save(Path.Combine(_dir, "good.msnc"));
        string path = Edited(Path.Combine(_dir, "good.msnc"), d =>
        {
            var transform = d["transform"]!.AsObject();
            var names = d["class_names"]!.AsArray();
            switch (edit)
            {
                case "resize 12000": transform["resize"] = 12000; break;
                case "resize 2147483647": transform["resize"] = int.MaxValue; break;
                case "std 1e-38": transform["std"] = new JsonArray(1e-38f, 1e-38f, 1e-38f); break;
                case "mean 1e30": transform["mean"] = new JsonArray(1e30f, 0f, 0f); break;
                case "duplicate names": names[1] = names[0]!.GetValue<string>(); break;
                default: names[0] = "a;b"; break;
            }
        }, "edited");
        var error = Assert.Throws<CheckpointFormatException>(() => FewShotClassifier.Load(path));
        Assert.Contains(expected, error.Message);

        using var output = new StringWriter();
        int code = CliRunner.Run(CliApp.CreateRoot(), ["predict", path, _dir, "-o", Path.Combine(_dir, "p.csv")],
            output);
        Assert.Equal(1, code);
        Assert.Contains(expected, output.ToString());
    }

    [Fact]
    public void Integer_weights_and_a_huge_batch_are_refused()
    {
        using (var fitted = TinySetup.FitClassifier(_dir, FeatureChoice.LastBlock))
            fitted.Save(Path.Combine(_dir, "good.msnc"));
        var file = SafetensorsFile.Read(Path.Combine(_dir, "good.msnc"));
        string path = Path.Combine(_dir, "int-pos-embed.msnc");
        try
        {
            var tensors = file.Names.ToDictionary(n => n, n => file[n]);
            using var integer = tensors["encoder.pos_embed"].to(ScalarType.Int32);
            tensors["encoder.pos_embed"] = integer;
            SafetensorsFile.Write(path, tensors, file.Metadata);
        }
        finally
        {
            foreach (var t in file.Tensors.Values) t.Dispose();
        }
        var error = Assert.Throws<CheckpointFormatException>(() =>
            FewShotClassifier.Load(ClassifierSigning.Resign(path)));
        Assert.Contains("Int32", error.Message);

        using var output = new StringWriter();
        int code = CliRunner.Run(CliApp.CreateRoot(),
            ["predict", Path.Combine(_dir, "good.msnc"), _dir, "--batch-size", "2147483647"], output);
        Assert.Equal(1, code);
        Assert.Contains("--batch-size", output.ToString());
    }
}
