using System.Text.Json.Nodes;
using MaskedSiamese.Checkpoints;
using MaskedSiamese.FineTuning;
using MaskedSiamese.Tests.Evaluation;
using MaskedSiamese.Tests.Support;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.FineTuning;

/// <summary>
/// A fine-tuning checkpoint edited by hand, then resumed: each case once aborted LibTorch (threads −1), failed with a
/// stack trace (a step "abc", numeric class names) or was accepted (no optimizer state, a step of 10¹⁸, a flipped
/// byte). Now every one is refused in one line, with or without the file signed again.
/// </summary>
public sealed class FineTuneCheckpointTamperTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-ft-tamper-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static (int Code, string Error) Msn(params string[] args) => InProcessMsn.Run(args);

    // Rewrites the checkpoint with its training state edited and, when asked, tensors dropped; signs it again.
    private static void Tamper(string path, Action<JsonObject> edit, Func<string, bool>? keep = null, bool sign = true)
    {
        var file = SafetensorsFile.Read(path);
        try
        {
            var meta = new Dictionary<string, string>(file.Metadata, StringComparer.Ordinal);
            var training = JsonNode.Parse(meta["training"])!.AsObject();
            edit(training);
            meta["training"] = training.ToJsonString();
            var tensors = file.Names.Where(keep ?? (_ => true))
                .Select(n => new KeyValuePair<string, Tensor>(n, file[n])).ToList();
            if (sign) meta["sha256"] = ContentDigest.Of([meta["architecture"], meta["training"]], tensors);
            string copy = path + ".edited";
            SafetensorsFile.Write(copy, tensors, meta);
            File.Move(copy, path, overwrite: true);
        }
        finally
        {
            foreach (var t in file.Tensors.Values) t.Dispose();
        }
    }

    [Theory]
    [InlineData("threads -1", "'threads'")]
    [InlineData("step abc", "'step'")]
    [InlineData("step missing", "'step'")]
    [InlineData("step -3", "'step'")]
    [InlineData("step 1e18", "'step'")]
    [InlineData("numeric class names", "'class_names'")]
    [InlineData("no optimizer state", "no optimizer state")]
    [InlineData("edited without signing", "damaged")]
    public void An_edited_checkpoint_is_refused_in_one_line_on_resume(string edit, string expected)
    {
        string checkpoint = TinySetup.WriteCheckpoint(_dir);
        string data = Path.Combine(TinySetup.WriteImageFolder(_dir, trainPerClass: 2, valPerClass: 1), "train");
        string run = Path.Combine(_dir, "run");
        string[] finetune = ["finetune", "-c", checkpoint, "--data", data, "-o", Path.Combine(_dir, "f.msnc"),
            "--run-dir", run, "--epochs", "2", "--batch-size", "3", "--threads", "1"];
        var (code, error) = Msn(finetune);
        Assert.True(code == 0, error);
        string latest = Path.Combine(run, "checkpoints", $"{FineTuner.Tag}-latest.safetensors");
        Tamper(latest, t =>
        {
            switch (edit)
            {
                case "threads -1": t["threads"] = -1; break;
                case "step abc": t["step"] = "abc"; break;
                case "step missing": t.Remove("step"); break;
                case "step -3": t["step"] = -3; break;
                case "step 1e18": t["step"] = 1e18; break;
                case "numeric class names": t["class_names"] = new JsonArray(1, 2, 3); break;
                default: t["last_loss"] = 0.5; break;
            }
        }, keep: edit == "no optimizer state" ? n => !n.StartsWith("optimizer.", StringComparison.Ordinal) : null,
            sign: edit != "edited without signing");
        (code, error) = Msn([.. finetune, "--resume"]);
        Assert.Equal(1, code);
        Assert.Contains(expected, error);
        Assert.DoesNotContain('\n', error);
    }
}
