using System.Diagnostics;
using System.Globalization;
using MaskedSiamese.Classification;
using MaskedSiamese.Cli;
using MaskedSiamese.Data;
using MaskedSiamese.Tests.Data;
using MaskedSiamese.Tests.Evaluation;

namespace MaskedSiamese.Tests.Cli;

/// <summary><c>msn fit</c> and <c>msn predict</c> on a tiny generated image set: the classifier file reloads in a
/// new process to identical probabilities, unreadable images are reported without stopping, and damaged classifier
/// files are refused in one line.</summary>
public sealed class ClassifierCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-classifier-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static (int Code, string Error) Msn(params string[] args)
    {
        using var error = new StringWriter();
        int code = CliRunner.Run(CliApp.CreateRoot(), args, error);
        return (code, error.ToString());
    }

    /// <summary>Runs <c>dotnet msn.dll</c> as a separate process; returns exit code, stdout, stderr.</summary>
    private static async Task<(int Code, string Out, string Error)> MsnProcess(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "msn.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start msn");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>(path, probability of the predicted class, top-k text, error) of every data row.</summary>
    private static List<string[]> ReadCsv(string path) =>
        File.ReadAllLines(path).Skip(1).Select(line => line.Split(',')).ToList();

    private string Fit(string train, string name = "classifier.msnc")
    {
        string checkpoint = TinySetup.WriteCheckpoint(_dir);
        string file = Path.Combine(_dir, name);
        var (code, error) = Msn("fit", "-c", checkpoint, "--data", train, "-o", file);
        Assert.True(code == 0, error);
        return file;
    }

    [Fact]
    public async Task Fit_saves_a_classifier_that_new_processes_reload_to_identical_probabilities()
    {
        string images = TinySetup.WriteImageFolder(_dir, trainPerClass: 3, valPerClass: 2);
        string checkpoint = TinySetup.WriteCheckpoint(_dir);
        string file = Path.Combine(_dir, "classifier.msnc");
        string val = Path.Combine(images, "val");
        var source = ImagePathSource.Open([val]);
        ClassPredictions expected;
        using (var fitted = FewShotClassifier.Fit(checkpoint, Path.Combine(images, "train")))
        {
            Assert.Equal(["c0", "c1", "c2"], fitted.ClassNames);
            Assert.Equal([3, 3, 3], fitted.Report.ClassCounts);
            Assert.Equal(3, fitted.Report.Folds);
            Assert.NotNull(fitted.Report.CrossValidatedAccuracy);
            expected = fitted.Predict(source);
            fitted.Save(file);
        }
        using (var reloaded = FewShotClassifier.Load(file))
            Assert.Equal(expected.Probabilities(0).ToArray(), reloaded.Predict(source).Probabilities(0).ToArray());

        // Two new processes: bit for bit (round-trip doubles in the CSV).
        string csv = Path.Combine(_dir, "p.csv"), again = Path.Combine(_dir, "p2.csv");
        foreach (string output in new[] { csv, again })
        {
            var (code, _, error) = await MsnProcess("predict", file, val, "-o", output, "--top-k", "2");
            Assert.True(code == 0, error);
        }
        Assert.Equal(File.ReadAllText(csv), File.ReadAllText(again));

        // Against this test host: the same classes, probabilities within 1e-6. Not bit for bit, because LibTorch's
        // intra-op thread count is per thread, and a thread takes the process-wide count of the moment of its first
        // parallel operation: an xUnit thread that first computed while a parallel test trained with meta.threads 1
        // keeps one thread. The fit's L-BFGS then stops (gradient tolerance 1e-5) at a point a rounding away, and the
        // probabilities differ in the 9th digit or so (0.99923676110606985 against 0.99923676092839353, and
        // 0.9976250252899599 against 0.9976250291526046, in full-suite runs).
        var rows = ReadCsv(csv);
        Assert.Equal(source.Count, rows.Count);
        for (int r = 0; r < expected.Count; r++)
        {
            var row = rows[expected.Indices[r]];
            Assert.Equal(source.PathOf(expected.Indices[r]), row[0]);
            var top = expected.TopK(r, 2);
            Assert.Equal(expected.ClassNames[top[0].Class], row[1]);
            double probability = double.Parse(row[2], CultureInfo.InvariantCulture);
            Assert.True(Math.Abs(top[0].Probability - probability) <= 1e-6,
                $"{top[0].Probability:R} here, {probability:R} in msn predict");
            Assert.StartsWith(
                $"{expected.ClassNames[top[0].Class]}:{probability.ToString("R", CultureInfo.InvariantCulture)};",
                row[3], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Embed_and_lowshot_tables_are_bit_identical_across_new_processes()
    {
        string images = TinySetup.WriteImageFolder(_dir, trainPerClass: 3, valPerClass: 2);
        string checkpoint = TinySetup.WriteCheckpoint(_dir);
        var embeddings = new List<string>();
        var tables = new List<string>();
        for (int run = 0; run < 2; run++)
        {
            string csv = Path.Combine(_dir, $"e{run}.csv"), json = Path.Combine(_dir, $"l{run}.json");
            var (code, _, error) = await MsnProcess("embed", "-c", checkpoint, "--data", images, "-o", csv);
            Assert.True(code == 0, error);
            (code, _, error) = await MsnProcess("eval", "lowshot", "-c", checkpoint, "--data", images, "--shots", "1,2",
                "--splits", "2", "--no-cache", "--json", json);
            Assert.True(code == 0, error);
            embeddings.Add(File.ReadAllText(csv));
            tables.Add(WithoutTimings(File.ReadAllText(json)));
        }
        Assert.Equal(embeddings[0], embeddings[1]);   // round-trip floats: every bit
        Assert.Equal(tables[0], tables[1]);   // every accuracy of every split
        Assert.Contains("\"accuracy", tables[0], StringComparison.OrdinalIgnoreCase);
    }

    // The report's JSON less the wall times it records (keys ending in "Seconds"), which no two runs share.
    private static string WithoutTimings(string json)
    {
        var root = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        Strip(root);
        return root.ToJsonString();

        static void Strip(System.Text.Json.Nodes.JsonNode? node)
        {
            if (node is System.Text.Json.Nodes.JsonObject o)
            {
                foreach (var key in o.Select(kv => kv.Key).Where(k => k.EndsWith("Seconds", StringComparison.Ordinal))
                    .ToList())
                    o.Remove(key);
                foreach (var (_, child) in o) Strip(child);
            }
            else if (node is System.Text.Json.Nodes.JsonArray a)
            {
                foreach (var child in a) Strip(child);
            }
        }
    }

    [Fact]
    public void One_image_per_class_falls_back_to_the_stated_default_lambda()
    {
        string images = TinySetup.WriteImageFolder(_dir, trainPerClass: 1, valPerClass: 1);
        using var classifier = FewShotClassifier.Load(Fit(Path.Combine(images, "train")));
        Assert.Null(classifier.Report.CrossValidatedAccuracy);
        Assert.Equal(0.0025, classifier.Report.Lambda);
        Assert.Contains("has 1", classifier.Report.LambdaChoice);
    }

    [Fact]
    public void Predict_reports_every_unreadable_file_and_predicts_every_readable_one()
    {
        string images = TinySetup.WriteImageFolder(_dir, trainPerClass: 2, valPerClass: 2);
        string file = Fit(Path.Combine(images, "train"));
        string val = Path.Combine(images, "val");
        string bad = Path.Combine(val, "c0");
        File.WriteAllBytes(Path.Combine(bad, "empty.png"), []);
        File.WriteAllText(Path.Combine(bad, "notes.png"), "not an image");
        var jpeg = TestImageFiles.NoiseJpeg(24, 20);
        File.WriteAllBytes(Path.Combine(bad, "cut.jpg"), jpeg[..(jpeg.Length / 2)]);
        string single = Path.Combine(images, "train", "c1", "0.png");

        string csv = Path.Combine(_dir, "p.csv"), png = Path.Combine(_dir, "confusion.png");
        var (code, error) = Msn("predict", file, val, single, "-o", csv, "--eval", "--confusion", png);
        Assert.True(code == 0, error);
        var rows = ReadCsv(csv);
        Assert.Equal(6 + 3 + 1, rows.Count);
        var failed = rows.Where(r => r[^1].Length > 0).Select(r => Path.GetFileName(r[0])).Order().ToArray();
        Assert.Equal(["cut.jpg", "empty.png", "notes.png"], failed);
        Assert.All(rows.Where(r => r[^1].Length == 0), r =>
            Assert.True(r[1].Length > 0 && double.Parse(r[2], CultureInfo.InvariantCulture) > 0));
        Assert.Equal("c0", rows.Single(r =>
            r[0].EndsWith(Path.Combine("val", "c0", "0.png"), StringComparison.Ordinal))[4]);
        Assert.True(new FileInfo(png).Length > 0);

        // Nothing readable at all is still a result: three rows with their reasons, exit 0.
        string onlyBad = Path.Combine(_dir, "only-bad.csv");
        (code, error) = Msn("predict", file, Path.Combine(bad, "empty.png"), Path.Combine(bad, "notes.png"),
            Path.Combine(bad, "cut.jpg"), "-o", onlyBad);
        Assert.True(code == 0, error);
        Assert.All(ReadCsv(onlyBad), r => Assert.True(r[^1].Length > 0));
        Assert.Equal(3, ReadCsv(onlyBad).Count);
    }

    [Fact]
    public void Damaged_or_truncated_classifier_files_are_refused_in_one_line()
    {
        string images = TinySetup.WriteImageFolder(_dir, trainPerClass: 2, valPerClass: 1);
        string file = Fit(Path.Combine(images, "train"));
        byte[] bytes = File.ReadAllBytes(file);

        string truncated = Path.Combine(_dir, "truncated.msnc");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length * 2 / 3)]);
        string flipped = Path.Combine(_dir, "flipped.msnc");
        var copy = (byte[])bytes.Clone();
        copy[^40] ^= 0x10;   // inside the head's weights: the sizes stay right, only the digest can tell
        File.WriteAllBytes(flipped, copy);
        string other = Path.Combine(_dir, "other.msnc");
        File.WriteAllText(other, "not a classifier at all");

        foreach (var (path, why) in new[] { (truncated, ""), (flipped, "damaged"), (other, "") })
        {
            var (code, error) = Msn("predict", path, Path.Combine(images, "val"));
            Assert.Equal(1, code);
            Assert.Single(error.TrimEnd().Split('\n'));
            Assert.Contains(path, error);
            Assert.Contains(why, error);
        }
    }
}
