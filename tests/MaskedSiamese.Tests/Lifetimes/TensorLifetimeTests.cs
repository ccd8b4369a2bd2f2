using MaskedSiamese.Cli;
using MaskedSiamese.Diagnostics;
using MaskedSiamese.Tests.Engine;
using MaskedSiamese.Tests.Evaluation;
using MaskedSiamese.Tests.Support;

namespace MaskedSiamese.Tests.Lifetimes;

/// <summary>
/// No command leaves a tensor to its finaliser: each runs in this process, then a full collection runs every
/// pending finaliser and <see cref="FinalizedTensors"/> must count none. (Two processes: the MPI tests run every
/// rank with <c>MSN_CHECK_TENSOR_LIFETIMES=1</c>, which fails a rank that left any.)
/// </summary>
[Collection(ProcessWideTestGroup.Name)]
public sealed class TensorLifetimeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-lifetimes-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static void Msn(params string[] args)
    {
        using var error = new StringWriter();
        int code = CliRunner.Run(CliApp.CreateRoot(), args, error);
        Assert.True(code == 0, $"msn {string.Join(' ', args)}: exit {code}: {error}");
    }

    private static void AssertNoneLeft(Action work)
    {
        long left = FinalizedTensors.LeftBy(work);
        Assert.True(left == 0, $"{left} tensor(s) were left to their finalisers");
    }

    [Fact]
    public void Pretraining_and_its_resume_leave_no_tensor()
    {
        string run = Path.Combine(_dir, "run");
        string[] recipe = ["pretrain", "--config", "smoke", "--no-eval", "-o", run, "--set", "criterion.batch_size=8"];
        AssertNoneLeft(() =>
        {
            Msn([.. recipe, "--max-steps", "2"]);
            Msn([.. recipe, "--max-steps", "4", "--resume"]);
        });
    }

    [Fact]
    public void A_thread_that_trains_and_ends_leaves_no_tensor()
    {
        // The encoder's MLP-branch node kept the gradients of a thread's last backward until that thread's next one:
        // a pool thread retired or a test's thread ended left them to the GC (7 tensors, now and then, in the suite).
        string run = Path.Combine(_dir, "run");
        AssertNoneLeft(() =>
        {
            var thread = new Thread(() => Msn("pretrain", "--config", "smoke", "--no-eval", "-o", run, "--max-steps",
                "1", "--set", "criterion.batch_size=8"));
            thread.Start();
            thread.Join();
        });
    }

    [Fact]
    public void A_monitored_run_to_its_end_with_its_reports_and_map_leaves_no_tensor()
    {
        // The report at every checkpoint, then the monitor's t-SNE map of its queries at the end.
        string images = TinySetup.WriteImageFolder(_dir);
        AssertNoneLeft(() => Msn("pretrain", "--config", "smoke", "--no-eval", "-o", Path.Combine(_dir, "run"),
            "--data", Path.Combine(images, "train"), "--monitor-data", images, "--set", "optimization.max_steps=null",
            "--set", "criterion.batch_size=4", "--set", "logging.checkpoint_every=1"));
        Assert.True(File.Exists(Path.Combine(_dir, "run", MaskedSiamese.Pretraining.MonitorMap.FileName)));
    }

    [Fact]
    public void Comparing_two_checkpoints_as_the_MPI_test_does_leaves_no_tensor()
    {
        // Before its fix this comparison "moved" the files' tensors into the scope they were made in, which drops them
        // from it: the first collection afterwards killed the test host from a finaliser.
        string run = Path.Combine(_dir, "run");
        Msn("pretrain", "--config", "smoke", "--no-eval", "-o", run, "--max-steps", "2", "--set",
            "criterion.batch_size=8");
        AssertNoneLeft(() => MpiEquivalenceTests.CheckpointDisagreements(run, run, _ => { }));
    }

    [Fact]
    public void Fine_tuning_leaves_no_tensor()
    {
        string checkpoint = TinySetup.WriteCheckpoint(_dir);
        string train = Path.Combine(TinySetup.WriteImageFolder(_dir), "train");
        AssertNoneLeft(() => Msn("finetune", "-c", checkpoint, "--data", train, "-o", Path.Combine(_dir, "f.msnc"),
            "--run-dir", Path.Combine(_dir, "ft"), "--epochs", "2", "--batch-size", "6"));
    }

    [Fact]
    public void Evaluation_embedding_and_export_leave_no_tensor()
    {
        string checkpoint = TinySetup.WriteCheckpoint(_dir);
        string images = TinySetup.WriteImageFolder(_dir);
        AssertNoneLeft(() =>
        {
            Msn("eval", "lowshot", "-c", checkpoint, "--data", images, "--shots", "1,2", "--splits", "2", "--no-cache");
            Msn("eval", "knn", "-c", checkpoint, "--data", images, "--no-cache");
            Msn("eval", "linear", "-c", checkpoint, "--data", images, "--max-steps", "20", "--no-cache");
            Msn("embed", "-c", checkpoint, "--data", images, "-o", Path.Combine(_dir, "e.csv"));
            Msn("export", checkpoint, "-o", Path.Combine(_dir, "e.safetensors"));
            Msn("export", checkpoint, "--format", "onnx", "-o", Path.Combine(_dir, "e.onnx"));
        });
    }

    [Fact]
    public void Fit_predict_and_classifier_export_leave_no_tensor()
    {
        string checkpoint = TinySetup.WriteCheckpoint(_dir);
        string images = TinySetup.WriteImageFolder(_dir);
        string classifier = Path.Combine(_dir, "c.msnc");
        AssertNoneLeft(() =>
        {
            Msn("fit", "-c", checkpoint, "--data", Path.Combine(images, "train"), "-o", classifier);
            Msn("predict", classifier, Path.Combine(images, "val"), "-o", Path.Combine(_dir, "p.csv"), "--eval");
            Msn("export", classifier, "--format", "onnx", "-o", Path.Combine(_dir, "c.onnx"));
        });
    }

    [Fact]
    public void Importing_official_checkpoints_leaves_no_tensor()
    {
        string release = OfficialFixtures.First("_release.pth.tar");
        string training = OfficialFixtures.First("_training.pth.tar");
        AssertNoneLeft(() =>
        {
            Msn("import", release, "--num-heads", "2", "-o", Path.Combine(_dir, "r.safetensors"));
            Msn("import", training, "--num-heads", "2", "-o", Path.Combine(_dir, "t.safetensors"));
            Msn("info", Path.Combine(_dir, "t.safetensors"), "--num-heads", "2");
        });
    }

    [Fact]
    public void Labelling_a_folder_on_a_thread_of_its_own_leaves_no_tensor()
    {
        // As msn label runs it: features and session on a worker thread, answers and the export on others.
        string images = Labelling.LabelFolders.Write(_dir, 3), checkpoint = TinySetup.WriteCheckpoint(_dir);
        AssertNoneLeft(() =>
        {
            using var project = MaskedSiamese.Labelling.LabellingProject.Open(Path.Combine(_dir, "project"), images,
                checkpoint, Labelling.LabelFolders.Classes);
            var index = project.Index();
            MaskedSiamese.Labelling.LabellingSession? session = null;
            var worker = new Thread(() =>
            {
                using var features = project.Features(index);
                session = project.StartSession(index, features);
                session.NextToLabel(1);
            });
            worker.Start();
            worker.Join();
            using (session)
            {
                var answers = Enumerable.Range(0, session!.Items.Count)
                    .Select(i => (i, Labelling.LabelFolders.TruthOf(session.Items[i]))).ToList();
                var other = new Thread(() =>
                {
                    session.AnswerMany(answers.Take(6).ToList());
                    session.LeastSure(0, 5);
                    session.EstimateAccuracy();
                });
                other.Start();
                other.Join();
                session.AnswerMany(answers.Skip(6).ToList());
                session.NextToLabel(1);
                project.Export(session);
            }
        });
    }
}
