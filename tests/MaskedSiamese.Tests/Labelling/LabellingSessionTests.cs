using MaskedSiamese.Evaluation;
using MaskedSiamese.Labelling;
using MaskedSiamese.Selection;
using MaskedSiamese.Tests.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.Labelling;

/// <summary>The labelling session on features whose answers are known: suggestions, answers kept on disk, the refit,
/// the least sure list, and a simulated labeller against <c>msn eval selection</c>.</summary>
public sealed class LabellingSessionTests : IDisposable
{
    private static readonly string[] Three = ["a", "b", "c"];
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-labelling-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    // Three separated blobs in 8-D: blob c around 10·e_c, 40 images each.
    private static (Tensor Features, string[] Items, int[] Truth) Blobs(int perBlob = 40)
    {
        using var g = new Generator(7);
        var parts = new List<Tensor>();
        using var ten = 10.ToScalar();
        for (int c = 0; c < 3; c++)
        {
            var centre = zeros(8);
            centre[c].fill_(ten);
            parts.Add(randn([perBlob, 8], generator: g).add(centre, KeptScalars.One));
        }
        var truth = Enumerable.Range(0, 3 * perBlob).Select(i => i / perBlob).ToArray();
        return (cat(parts, 0), truth.Select((_, i) => $"img{i:000}.png").ToArray(), truth);
    }

    [Fact]
    public void The_first_suggestions_are_the_cold_start_of_msn_select_and_answered_ones_never_return()
    {
        using var scope = NewDisposeScope();
        var (features, items, truth) = Blobs();
        using var session = new LabellingSession(features, items, Three);
        var expected = LabelSelection.Choose(FeaturePreprocessing.CenterAndNormalize(features), 10).Select(c => c.Row);
        var first = session.NextToLabel(10);
        Assert.Equal(expected, first);
        Assert.Equal(first.Take(3), session.NextToLabel(3));   // stable until answered

        session.Answer(first[0], truth[first[0]]);
        session.Answer(first[1], LabelAnswer.Skip);
        var next = session.NextToLabel(12);   // a second round is chosen to fill the list
        Assert.Equal(12, next.Count);
        Assert.DoesNotContain(first[0], next);
        Assert.DoesNotContain(first[1], next);
        Assert.Equal(12, next.Distinct().Count());
        Assert.Equal(first.Skip(2), next.Take(8));
    }

    [Fact]
    public void A_labeller_answering_one_by_one_gets_the_in_rounds_selection()
    {
        using var scope = NewDisposeScope();
        var (features, items, truth) = Blobs(perBlob: 60);
        using var session = new LabellingSession(features, items, Three);
        var answered = new List<int>();
        for (int i = 0; i < 45; i++)
        {
            int item = session.NextToLabel(1)[0];
            session.Answer(item, i % 7 == 3 ? LabelAnswer.Skip : truth[item]);
            answered.Add(item);
        }
        var rounds = LabelSelection.Choose(FeaturePreprocessing.CenterAndNormalize(features), 45,
            new SelectionOptions { Strategy = SelectionStrategy.InRounds });
        Assert.Equal(rounds.Select(c => c.Row), answered);
    }

    [Fact]
    public void Answers_are_saved_when_given_and_a_new_session_starts_where_the_last_one_stopped()
    {
        using var scope = NewDisposeScope();
        var (features, items, truth) = Blobs();
        var store = new AnswerStore(Path.Combine(_dir, "answers.csv"));
        using (var session = new LabellingSession(features, items, Three, store))
        {
            session.Answer(5, truth[5]);
            Assert.Contains("img005.png,a", File.ReadAllLines(store.Path));   // on disk before the call returned
            session.AnswerMany([(50, truth[50]), (90, truth[90]), (91, LabelAnswer.NotSure)]);
            session.Answer(50, 2);   // corrected
            session.Unanswer(90);
        }
        // An answer of an image that is gone is kept in the file, not shown.
        File.AppendAllText(store.Path, "gone.png,b\n");
        using var again = new LabellingSession(features, items, Three, store);
        Assert.Equal(0, again.AnswerOf(5));
        Assert.Equal(2, again.AnswerOf(50));
        Assert.Null(again.AnswerOf(90));
        Assert.Equal(LabelAnswer.NotSure, again.AnswerOf(91));
        Assert.Equal(new[] { 1, 0, 1 }, again.Status().PerClass);
        again.Answer(7, truth[7]);
        Assert.Contains("gone.png,b", File.ReadAllLines(store.Path));

        File.AppendAllText(store.Path, "img010.png,zebra\n");
        var error = Assert.Throws<InvalidDataException>(() => new LabellingSession(features, items, Three, store));
        Assert.Contains("zebra", error.Message);
    }

    [Fact]
    public void The_classifier_is_refitted_after_each_answer_and_the_least_sure_come_first()
    {
        using var scope = NewDisposeScope();
        var (features, items, truth) = Blobs();
        using var session = new LabellingSession(features, items, Three);
        Assert.False(session.Status().ClassifierReady);
        Assert.Equal(0, session.LeastSure(0, 10).Total);
        session.Answer(0, 0);
        session.Answer(40, 1);
        Assert.True(session.Status().ClassifierReady);
        var (page, total) = session.LeastSure(0, 200);
        Assert.Equal(items.Length - 2, total);
        Assert.DoesNotContain(page, p => p.Item is 0 or 40);
        Assert.True(page.Zip(page.Skip(1)).All(p => p.First.Confidence <= p.Second.Confidence));
        Assert.All(page, p => Assert.InRange(p.Class, 0, 1));   // no probability for a class without answers

        session.Answer(80, 2);
        var predicted = session.Predict(features)!;
        Assert.True(predicted.Zip(truth).Count(p => p.First == p.Second) >= 0.95 * truth.Length);
        Assert.Null(session.EstimateAccuracy());   // one answer per class: nothing to cross-validate
        session.AnswerMany([(1, 0), (41, 1), (81, 2)]);
        Assert.True(session.EstimateAccuracy() > 0.9);
    }

    [Fact]
    public void Bad_answers_and_items_are_refused_without_changing_anything()
    {
        using var scope = NewDisposeScope();
        var (features, items, _) = Blobs();
        using var session = new LabellingSession(features, items, Three);
        Assert.Throws<ArgumentOutOfRangeException>(() => session.AnswerMany([(0, 0), (1, 3)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => session.Answer(items.Length, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => session.Answer(-1, 0));
        Assert.Equal(0, session.Status().Labelled);
        Assert.Throws<ArgumentException>(() => new LabellingSession(features, items, ["a", "a"]));
        Assert.Throws<ArgumentException>(() => new LabellingSession(features, items, ["a", "b,c"]));
        Assert.Throws<ArgumentException>(() => new LabellingSession(features, items, ["a", "(skip)"]));
    }

    /// <summary>A labeller who answers what the page suggests, with Fashion-MNIST's true labels, reaches what
    /// <c>msn eval selection</c> measures for the default selection (density peaks) at 20 labels, within a
    /// point.</summary>
    [Fact]
    public void A_simulated_labeller_reaches_eval_selections_accuracy_at_20_labels()
    {
        using var data = new FashionMnistFeatures();
        using var scope = NewDisposeScope();
        var pool = data.TrainPixels[..3000];
        var poolLabels = data.TrainLabels[..3000];
        var test = data.TestPixels[..3000];
        var testLabels = data.TestLabels[..3000];
        using var session = new LabellingSession(pool, poolLabels.Select((_, i) => $"{i}.png").ToArray(),
            [.. MaskedSiamese.Data.FashionMnist.ClassNames.Select(n => n.Replace('/', '-'))]);
        for (int given = 0; given < 20; given++)
        {
            int item = session.NextToLabel(1)[0];
            session.Answer(item, poolLabels[item]);
        }
        var predicted = session.Predict(test)!;
        double labeller = 100.0 * predicted.Zip(testLabels).Count(p => p.First == p.Second) / testLabels.Length;

        using var set = FeatureSet.Of("pixels", pool.clone(), poolLabels, test.clone(), testLabels);
        var score = SelectionEvaluation.Run([set], new SelectionEvaluationOptions
        {
            Budgets = [20],
            Strategies = [SelectionStrategy.DensityPeaks],
            Seeds = 1,
            PoolSize = 3000,
        }).Single();
        Assert.True(Math.Abs(labeller - score.Accuracies[0]) <= 1.0,
            $"labeller {labeller:F1} %, eval selection {score.Accuracies[0]:F1} %");
    }
}
