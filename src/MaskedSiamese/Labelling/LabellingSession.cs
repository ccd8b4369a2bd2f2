using System.Diagnostics;
using MaskedSiamese.Evaluation;
using MaskedSiamese.Selection;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Labelling;

/// <summary>
/// The state of labelling one set of images on cached features: the answers given (saved after each one when a
/// store is given), which images to label next (density peaks, as <c>msn select</c>), and a classifier refitted
/// after every answer on the class answers (the low-shot recipe: features centred and L2-normalised, multinomial
/// logistic regression) whose least sure predictions can be accepted or corrected in bulk. Thread-safe: the web page
/// calls it from many threads; slow work (selection, cross-validation) runs outside its lock.
/// </summary>
public sealed class LabellingSession : IDisposable
{
    private const int Unanswered = int.MinValue;
    private readonly Lock _lock = new();
    private readonly Tensor _raw;        // [N, D] as extracted: what the exported classifier is fitted on
    private readonly Tensor _prepared;   // [N, D] float32, centred and normalised: selection and predictions
    private readonly int[] _answers;
    private readonly List<int> _order = [];   // answered items in the order first answered (the file's order)
    private readonly List<(string Item, string Answer)> _foreign = [];   // answers of images no longer present
    private readonly Dictionary<string, int> _itemOf;
    private readonly AnswerStore? _store;
    private readonly LabellingSessionOptions _options;
    private readonly List<int> _queue = [];
    private Task<Round>? _nextRound;
    private Head? _head;
    private PredictedImage[]? _ranked;
    private (long Version, double? Accuracy)? _estimate;

    /// <summary>A session over <paramref name="features"/> (copied) of the images named <paramref
    /// name="items"/>.</summary>
    /// <param name="features">Encoder features [N, D] as extracted (not yet centred or normalised).</param>
    /// <param name="items">N unique names (paths relative to the image folder).</param>
    /// <param name="classes">Class names (see <see cref="LabelAnswer.ProblemWithClassName"/>), at least two.</param>
    /// <param name="store">Where answers are kept; its saved answers are loaded (null: in memory only).</param>
    /// <param name="options">Selection and refit settings.</param>
    /// <exception cref="InvalidDataException">The store holds an answer that names no class.</exception>
    public LabellingSession(Tensor features, IReadOnlyList<string> items, IReadOnlyList<string> classes,
        AnswerStore? store = null, LabellingSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(classes);
        _options = options ?? new LabellingSessionOptions();
        _options.Validate();
        if (features.ndim != 2 || features.shape[0] != items.Count)
            throw new ArgumentException($"features {FeaturePreprocessing.Shape(features)} for {items.Count} images",
                nameof(features));
        if (classes.Count < 2)
            throw new ArgumentException("a labelling session needs at least two classes", nameof(classes));
        if (classes.Select(LabelAnswer.ProblemWithClassName).FirstOrDefault(p => p is not null) is { } problem)
            throw new ArgumentException(problem, nameof(classes));
        if (classes.Distinct().Count() != classes.Count)
            throw new ArgumentException("class names repeat", nameof(classes));
        Items = items;
        Classes = classes;
        _itemOf = new Dictionary<string, int>(items.Count, StringComparer.Ordinal);
        for (int i = 0; i < items.Count; i++)
            if (!_itemOf.TryAdd(items[i], i))
                throw new ArgumentException($"image '{items[i]}' is listed twice", nameof(items));
        using (var detached = features.detach())
            _raw = detached.clone();
        // Prepared exactly as msn select prepares them, so that the first suggestions are its cold start.
        using (var narrow = _raw.to(float32))
            _prepared = FeaturePreprocessing.CenterAndNormalize(narrow);
        _answers = Enumerable.Repeat(Unanswered, items.Count).ToArray();
        _store = store;
        if (store is not null) LoadAnswers(store);
        Refit();
    }

    /// <summary>The images' names, by item index.</summary>
    public IReadOnlyList<string> Items { get; }

    /// <summary>The class names, by class index.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>Grows with every change of the answers.</summary>
    public long Version { get; private set; }

    /// <summary>The answer given to <paramref name="item"/>, or null.</summary>
    public int? AnswerOf(int item)
    {
        lock (_lock) return _answers[CheckItem(item)] is var a && a != Unanswered ? a : null;
    }

    /// <summary>Records <paramref name="answer"/> (a class index, <see cref="LabelAnswer.Skip"/> or
    /// <see cref="LabelAnswer.NotSure"/>) for <paramref name="item"/>, saves, and refits.</summary>
    public void Answer(int item, int answer) => AnswerMany([(item, answer)]);

    /// <summary>Records several answers (e.g. accepted predictions) with one save and one refit.</summary>
    public void AnswerMany(IReadOnlyList<(int Item, int Answer)> answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        lock (_lock)
        {
            foreach (var (item, answer) in answers)
            {
                CheckItem(item);
                if (answer != LabelAnswer.Skip && answer != LabelAnswer.NotSure
                    && (answer < 0 || answer >= Classes.Count))
                    throw new ArgumentOutOfRangeException(nameof(answers), answer, $"not an answer for " +
                        $"{Classes.Count} classes");
            }
            foreach (var (item, answer) in answers)
            {
                if (_answers[item] == Unanswered) _order.Add(item);
                _answers[item] = answer;
            }
            Changed();
        }
    }

    /// <summary>Takes back the answer of <paramref name="item"/> (nothing happens when it has none).</summary>
    public void Unanswer(int item)
    {
        lock (_lock)
        {
            if (_answers[CheckItem(item)] == Unanswered) return;
            _answers[item] = Unanswered;
            _order.Remove(item);
            Changed();
        }
    }

    /// <summary>Counts of the answers and the state of the classifier.</summary>
    public LabellingStatus Status()
    {
        lock (_lock)
        {
            var perClass = new int[Classes.Count];
            int skipped = 0, notSure = 0;
            foreach (int item in _order)
            {
                int a = _answers[item];
                if (a >= 0) perClass[a]++;
                else if (a == LabelAnswer.Skip) skipped++;
                else notSure++;
            }
            return new LabellingStatus(Items.Count, perClass, skipped, notSure, _head is not null,
                _head?.Milliseconds ?? 0, Version);
        }
    }

    /// <summary>The images with a class answer and their classes, in answering order.</summary>
    public (int[] Items, int[] Classes) Labelled()
    {
        lock (_lock) return LabelledUnlocked();
    }

    /// <summary>The features as extracted of <paramref name="items"/> [n, D] (a new tensor).</summary>
    public Tensor RawFeatures(IReadOnlyList<int> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        using var index = tensor(items.Select(i => (long)CheckItem(i)).ToArray());
        return _raw.index_select(0, index);
    }

    /// <summary>
    /// The next <paramref name="count"/> images to label, the most useful first. Suggestions are chosen in rounds of
    /// <see cref="LabelSelection.RoundSize"/> (the first is <c>msn select</c>'s cold start of 10) and kept until
    /// answered, so that the list does not change under the user's hands.
    /// </summary>
    public IReadOnlyList<int> NextToLabel(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        while (true)
        {
            HashSet<int> taken;
            int[] classes;
            Task<Round>? prefetched;
            lock (_lock)
            {
                _queue.RemoveAll(i => _answers[i] != Unanswered);
                int free = Items.Count - _order.Count - _queue.Count;
                if (_queue.Count >= count || free == 0) return _queue.Take(count).ToList();
                taken = [.. _order, .. _queue];
                classes = KnownClassesUnlocked();
                (prefetched, _nextRound) = (_nextRound, null);
            }
            // The round chosen in the background while the last one was being answered, when nothing else changed.
            var round = prefetched is not null && Completed(prefetched) is { } r && r.Taken.SetEquals(taken)
                ? r
                : ChooseRound(taken, classes);
            lock (_lock)
            {
                foreach (int row in round.Picks)
                    if (_answers[row] == Unanswered && !_queue.Contains(row)) _queue.Add(row);
                HashSet<int> next = [.. _order, .. _queue];
                var known = KnownClassesUnlocked();
                if (next.Count < Items.Count) _nextRound = Task.Run(() => ChooseRound(next, known));
            }
        }
    }

    // A round of the selection strategy (density peaks unless the options say otherwise) for the images taken so far
    // and the classes answered so far: seconds at 100,000 images. The next one is prepared while the user answers this
    // one, so its classifier (density peaks weigh by its unsureness from 20 labels on) lacks this round's answers.
    private Round ChooseRound(HashSet<int> taken, int[] classes)
    {
        int batch = Math.Min(LabelSelection.RoundSize(taken.Count), Items.Count - taken.Count);
        return new Round(taken, [.. LabelSelection.Choose(_prepared, batch, _options.Selection, taken, classes)
            .Select(c => c.Row)]);
    }

    // Every item's answered class, −1 where it has none (unanswered, skipped, not sure).
    private int[] KnownClassesUnlocked() => [.. _answers.Select(a => a >= 0 ? a : -1)];

    private static Round? Completed(Task<Round> task)
    {
        try
        {
            return task.GetAwaiter().GetResult();
        }
#pragma warning disable CA1031 // a failed prefetch is only a missed shortcut: the round is chosen again
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    private sealed record Round(HashSet<int> Taken, IReadOnlyList<int> Picks);

    /// <summary>Unanswered images by the current classifier's confidence, the least sure first: rows
    /// <paramref name="offset"/> … <paramref name="offset"/> + <paramref name="count"/> − 1 of that list, and its
    /// length
    /// (empty until two classes have class answers).</summary>
    public (IReadOnlyList<PredictedImage> Page, int Total) LeastSure(int offset, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_lock)
        {
            if (_head is null) return ([], 0);
            _ranked ??= Rank(_head);
            return (_ranked.Skip(offset).Take(count).ToList(), _ranked.Length);
        }
    }

    /// <summary>The current classifier's class of every row of <paramref name="features"/> [M, D] (extracted as this
    /// session's), or null before two classes have class answers.</summary>
    public int[]? Predict(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        Head? head;
        lock (_lock) head = _head;
        if (head is null) return null;
        using var scope = NewDisposeScope();
        var x = FeaturePreprocessing.CenterAndNormalize(features.to(float64));
        return head.Model.Predict(x).Select(c => head.Classes[c]).ToArray();
    }

    /// <summary>
    /// Cross-validated accuracy of the classifier on the class answers (stratified folds, λ chosen over the grid of
    /// <c>msn fit</c>), or null while some labelled class has fewer than two answers. Cached until the answers change;
    /// computed outside the lock.
    /// </summary>
    public double? EstimateAccuracy()
    {
        long version;
        int[] items, classes;
        lock (_lock)
        {
            if (_estimate is { } e && e.Version == Version) return e.Accuracy;
            version = Version;
            (items, classes) = LabelledUnlocked();
        }
        double? accuracy = CrossValidate(items, classes);
        lock (_lock) if (version == Version) _estimate = (version, accuracy);
        return accuracy;
    }

    private double? CrossValidate(int[] items, int[] classes)
    {
        var present = classes.Distinct().Order().ToArray();
        if (present.Length < 2 || classes.GroupBy(c => c).Min(g => g.Count()) < 2) return null;
        var dense = classes.Select(c => Array.IndexOf(present, c)).ToArray();
        using var scope = NewDisposeScope();
        var x = Prepared(items);
        var search = LambdaSearch.CrossValidate(x, dense, present.Length);
        return search.Scores.Max(s => s.MeanAccuracy);
    }

    // The classifier's view of some rows: float64, centred and normalised as msn fit reads features (in the
    // caller's dispose scope).
    private Tensor Prepared(int[] items)
    {
        using var index = tensor(items.Select(i => (long)i).ToArray());
        using var rows = _raw.index_select(0, index);
        using var wide = rows.to(float64);
        return FeaturePreprocessing.CenterAndNormalize(wide);
    }

    private (int[] Items, int[] Classes) LabelledUnlocked()
    {
        var items = _order.Where(i => _answers[i] >= 0).ToArray();
        return (items, items.Select(i => _answers[i]).ToArray());
    }

    private void Changed()
    {
        Version++;
        _store?.Save(_order.Select(i => (Items[i], LabelAnswer.ToText(_answers[i], Classes))).Concat(_foreign));
        Refit();
    }

    // The classes present are fitted alone and mapped back: a class without answers gets no probability.
    private void Refit()
    {
        _ranked = null;
        var (items, classes) = LabelledUnlocked();
        var present = classes.Distinct().Order().ToArray();
        if (present.Length < 2)
        {
            _head = null;
            return;
        }
        var watch = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        var x = Prepared(items);
        var model = MultinomialLogisticRegression.Fit(x, classes.Select(c => Array.IndexOf(present, c)).ToArray(),
            present.Length, new LogisticRegressionOptions { Lambda = _options.Lambda });
        _head = new Head(model, present, watch.Elapsed.TotalMilliseconds);
    }

    private PredictedImage[] Rank(Head head)
    {
        var open = Enumerable.Range(0, Items.Count).Where(i => _answers[i] == Unanswered).ToArray();
        if (open.Length == 0) return [];
        using var scope = NewDisposeScope();
        using var index = tensor(open.Select(i => (long)i).ToArray());
        var probabilities = head.Model.Logits(_prepared.index_select(0, index)).softmax(1);
        var (best, arg) = probabilities.max(1);
        var confidence = best.to(float64).data<double>().ToArray();
        var predicted = arg.to(int32).data<int>().ToArray();
        return open.Select((item, r) => new PredictedImage(item, head.Classes[predicted[r]], confidence[r]))
            .OrderBy(p => p.Confidence).ThenBy(p => p.Item).ToArray();
    }

    private void LoadAnswers(AnswerStore store)
    {
        foreach (var (item, text) in store.Load())
        {
            int answer = LabelAnswer.Parse(text, Classes)
                ?? throw new InvalidDataException($"{store.Path}: '{item}' is answered '{text}', which names no " +
                    $"class of {string.Join(", ", Classes)}");
            if (!_itemOf.TryGetValue(item, out int i))
            {
                _foreign.Add((item, text));   // its image is gone (or unreadable now): kept in the file, not shown
                continue;
            }
            _answers[i] = answer;
            _order.Add(i);
        }
    }

    private int CheckItem(int item) =>
        item >= 0 && item < Items.Count ? item : throw new ArgumentOutOfRangeException(nameof(item), item,
            $"not one of the {Items.Count} images");

    /// <inheritdoc />
    public void Dispose()
    {
        Task<Round>? pending;
        lock (_lock) pending = _nextRound;
        if (pending is not null) Completed(pending);   // its k-means reads the features
        _raw.Dispose();
        _prepared.Dispose();
    }

    private sealed record Head(MultinomialLogisticRegression Model, int[] Classes, double Milliseconds);
}
