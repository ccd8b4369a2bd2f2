using MaskedSiamese.Classification;
using MaskedSiamese.Data;
using MaskedSiamese.Engine;
using MaskedSiamese.Labelling;
using MaskedSiamese.Tests.Evaluation;

namespace MaskedSiamese.Tests.Labelling;

/// <summary>The labelling project folder: what a new and a reopened project require, its lock, the cached features,
/// and an export that <c>msn fit</c> and <c>msn predict</c> agree with.</summary>
public sealed class LabellingProjectTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-label-project-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void A_project_needs_its_inputs_once_refuses_disagreement_and_is_held_by_one_process()
    {
        string images = LabelFolders.Write(_dir, 2), checkpoint = TinySetup.WriteCheckpoint(_dir);
        string folder = Path.Combine(_dir, "project");
        Assert.Contains("--checkpoint", Assert.Throws<InvalidDataException>(() =>
            LabellingProject.Open(folder, images, null, LabelFolders.Classes)).Message);
        Assert.Contains("--classes", Assert.Throws<InvalidDataException>(() =>
            LabellingProject.Open(folder, images, checkpoint, ["one"])).Message);
        using (var project = LabellingProject.Open(folder, images, checkpoint, LabelFolders.Classes))
        {
            var busy = Assert.Throws<RunFolderInUseException>(() => LabellingProject.Open(folder, null, null, null));
            Assert.Contains("another msn process", busy.Message);
        }
        // Reopened with nothing named: the saved settings; classes may grow at the end only.
        using (var reopened = LabellingProject.Open(folder, null, null, ["red", "green", "blue", "grey"]))
            Assert.Equal(["red", "green", "blue", "grey"], reopened.Settings.Classes);
        Assert.Contains("added at the end", Assert.Throws<InvalidDataException>(() =>
            LabellingProject.Open(folder, null, null, ["green", "red", "blue", "grey"])).Message);
        Assert.Contains("not " + Path.GetFullPath(_dir),
            Assert.Throws<InvalidDataException>(() => LabellingProject.Open(folder, _dir, null, null)).Message);
        File.AppendAllText(checkpoint, "changed");
        Assert.Contains("SHA-256", Assert.Throws<InvalidDataException>(() =>
            LabellingProject.Open(folder, null, null, null)).Message);
    }

    [Fact]
    public void The_export_is_what_msn_fit_makes_of_the_exported_folders()
    {
        string images = LabelFolders.Write(_dir, 4), checkpoint = TinySetup.WriteCheckpoint(_dir);
        using var project = LabellingProject.Open(Path.Combine(_dir, "project"), images, checkpoint,
            [.. LabelFolders.Classes, "unused"]);
        var index = project.Index();
        using (var features = project.Features(index))
        using (var session = project.StartSession(index, features))
        {
            Assert.Single(Directory.GetFiles(Path.Combine(project.Folder, "features"), "*.safetensors"));
            var answers = Enumerable.Range(0, session.Items.Count)
                .Where(i => !session.Items[i].EndsWith("_3.png", StringComparison.Ordinal))
                .Select(i => (i, LabelFolders.TruthOf(session.Items[i]))).ToList();
            session.AnswerMany(answers);
            session.Answer(session.Items.ToList().IndexOf("blue_3.png"), LabelAnswer.Skip);
            var export = project.Export(session);

            Assert.Equal(9, export.Labelled);
            Assert.Equal(["unused"], export.ClassesLeftOut);
            var rows = File.ReadAllLines(export.LabelsCsv);
            Assert.Equal("path,label", rows[0]);
            Assert.Contains("green_1.png,green", rows);
            Assert.DoesNotContain(rows, r => r.StartsWith("blue_3.png", StringComparison.Ordinal));
            Assert.Equal(["blue", "green", "red"],
                Directory.GetDirectories(export.ClassFolders).Select(Path.GetFileName).Order());
            string link = Path.Combine(export.ClassFolders, "green", "green_1.png");
            Assert.Equal(File.ReadAllBytes(Path.Combine(images, "green_1.png")), File.ReadAllBytes(link));

            // msn fit on the exported folders gives the same classifier (up to the features' batch arithmetic).
            var source = ImagePathSource.Open([images]);
            using var exported = FewShotClassifier.Load(export.Classifier!);
            using var fitted = FewShotClassifier.Fit(checkpoint, export.ClassFolders);
            Assert.Equal(fitted.ClassNames, exported.ClassNames);
            Assert.Equal(fitted.Report.Lambda, exported.Report.Lambda);
            var a = exported.Predict(source);
            var b = fitted.Predict(source);
            for (int i = 0; i < source.Count; i++)
                Assert.Equal(b.Probabilities(i).ToArray(), a.Probabilities(i).ToArray(), (x, y) =>
                    Math.Abs(x - y) < 1e-6);
        }
        // The features come from the project's cache the second time.
        var again = project.Index();
        using var cached = project.Features(again, new Progress<(int, int)>(_ => Assert.Fail("computed again")));
        Assert.Equal(12, cached.Count);
    }
}
