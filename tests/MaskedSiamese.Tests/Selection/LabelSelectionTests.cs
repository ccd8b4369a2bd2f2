using MaskedSiamese.Selection;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.Selection;

/// <summary>k-means, density peaks, typicality selection and the random references on synthetic clusters whose
/// answer is known.</summary>
public sealed class LabelSelectionTests
{
    // k well-separated Gaussian blobs of different sizes in 8-D (blob c centred at 10·e_c), with a few far outliers.
    private static (Tensor Points, int[] Blob) Blobs(int[] sizes, int outliers = 0, ulong seed = 1)
    {
        using var g = new Generator(seed);
        var parts = new List<Tensor>();
        var blob = new List<int>();
        using var ten = 10.ToScalar();
        using var far = 40.ToScalar();
        for (int c = 0; c < sizes.Length; c++)
        {
            var centre = zeros(8);
            centre[c].fill_(ten);
            parts.Add(randn([sizes[c], 8], generator: g).add(centre, KeptScalars.One));
            blob.AddRange(Enumerable.Repeat(c, sizes[c]));
        }
        if (outliers > 0)
        {
            parts.Add(randn([outliers, 8], generator: g).mul(far));
            blob.AddRange(Enumerable.Repeat(-1, outliers));
        }
        return (cat(parts, 0), [.. blob]);
    }

    // The second case has more points than k-means fits its centres on (KMeans.FitRows): the rest are assigned.
    [Theory]
    [InlineData(300, 200, 100)]
    [InlineData(12_000, 9_000, 4_000)]
    public void KMeans_recovers_well_separated_blobs_and_repeats_for_a_seed(int a, int b, int c)
    {
        using var scope = NewDisposeScope();
        var (points, blob) = Blobs([a, b, c]);
        var clusters = KMeans.Cluster(points, 3, seed: 5);
        // Every blob lands in one cluster of its own.
        var map = Enumerable.Range(0, 3).Select(b => clusters[Array.IndexOf(blob, b)]).ToArray();
        Assert.Equal(3, map.Distinct().Count());
        for (int r = 0; r < blob.Length; r++) Assert.Equal(map[blob[r]], clusters[r]);
        Assert.Equal(clusters, KMeans.Cluster(points, 3, seed: 5));
    }

    [Theory]
    [InlineData(SelectionStrategy.DensityPeaks)]
    [InlineData(SelectionStrategy.Typicality)]
    public void Each_blob_gives_one_central_image_and_an_outlier_none(SelectionStrategy strategy)
    {
        using var scope = NewDisposeScope();
        var options = new SelectionOptions { Strategy = strategy, Seed = 2 };
        var (points, blob) = Blobs([300, 200, 100]);
        var chosen = LabelSelection.Choose(points, 3, options);
        Assert.Equal([0, 1, 2], chosen.Select(c => blob[c.Row]).Order());
        AssertCentral(points, blob, chosen);
        Assert.Equal(chosen, LabelSelection.Choose(points, 3, options));

        // Far outliers: too sparse to be peaks, and in clusters too small to choose from. Every pick stays central.
        var (noisy, noisyBlob) = Blobs([300, 200, 100], outliers: 3);
        var picks = LabelSelection.Choose(noisy, 3, options);
        Assert.Equal(3, picks.Count);
        Assert.DoesNotContain(picks, c => noisyBlob[c.Row] < 0);
        AssertCentral(noisy, noisyBlob, picks);
    }

    private static void AssertCentral(Tensor points, int[] blob, IReadOnlyList<SelectedImage> chosen)
    {
        // Central: within 2.5 of the blob's centre in an 8-D unit Gaussian (typical radius √8 ≈ 2.8).
        using var ten = 10.ToScalar();
        foreach (var c in chosen)
        {
            var centre = zeros(8);
            centre[blob[c.Row]].fill_(ten);
            Assert.True((points[c.Row] - centre).norm().item<float>() < 2.5f, $"row {c.Row} is not central");
        }
    }

    [Theory]
    [InlineData(SelectionStrategy.DensityPeaks)]
    [InlineData(SelectionStrategy.Typicality)]
    public void With_labels_the_uncovered_blobs_come_first(SelectionStrategy strategy)
    {
        using var scope = NewDisposeScope();
        var (points, blob) = Blobs([300, 200, 100]);
        // Two images of the largest blob already labelled: the next two come from the other blobs.
        int[] labelled = [0, 1];
        var chosen = LabelSelection.Choose(points, 2, new SelectionOptions { Strategy = strategy, Seed = 3 },
            labelled);
        Assert.Equal([1, 2], chosen.Select(c => blob[c.Row]).Order());
        Assert.DoesNotContain(chosen, c => labelled.Contains(c.Row));
    }

    [Fact]
    public void Density_and_separation_are_those_of_a_hand_worked_line()
    {
        using var scope = NewDisposeScope();
        // Points at 0, 1, 1.5, 10 and 12; one neighbour: density 1/1, 1/0.5, 1/0.5, 1/2, 1/2. Row 1 is the densest
        // (a tie with row 2 goes to the lower row); each other row's separation is its distance to the nearest row
        // ranked before it, and row 1's the largest of those.
        using var line = tensor(new float[] { 0, 1, 1.5f, 10, 12 }).unsqueeze(1);
        var peaks = DensityPeaks.Of(line, neighbours: 1);
        Assert.Equal([1, 2, 2, 0.5, 0.5], peaks.Density);
        Assert.Equal([1, 8.5, 0.5, 8.5, 2], peaks.Separation);
    }

    [Fact]
    public void Separations_found_among_the_neighbours_equal_those_against_every_point()
    {
        using var scope = NewDisposeScope();
        var (points, _) = Blobs([120, 80, 40], outliers: 4);
        int n = (int)points.shape[0];
        var peaks = DensityPeaks.Of(points, neighbours: 5);
        var distances = cdist(points, points).to_type(ScalarType.Float64).data<double>().ToArray();
        bool Denser(int j, int i) =>
            peaks.Density[j] > peaks.Density[i] || (peaks.Density[j] == peaks.Density[i] && j < i);
        var expected = Enumerable.Range(0, n).Select(i => Enumerable.Range(0, n).Where(j => Denser(j, i))
            .Select(j => distances[i * n + j]).DefaultIfEmpty(double.NaN).Min()).ToArray();
        int densest = Array.FindIndex(expected, double.IsNaN);
        expected[densest] = expected.Where(e => !double.IsNaN(e)).Max();
        for (int i = 0; i < n; i++)
            Assert.True(Math.Abs(expected[i] - peaks.Separation[i]) <= 1e-5 * expected[i],
                $"row {i}: {peaks.Separation[i]} against {expected[i]}");
    }

    [Fact]
    public void Density_peaks_extend_a_smaller_budget_and_measure_a_sample_of_a_large_set()
    {
        using var scope = NewDisposeScope();
        var (points, blob) = Blobs([300, 200, 100]);
        var options = new SelectionOptions { Seed = 6 };
        var six = LabelSelection.Choose(points, 6, options);
        Assert.Equal(LabelSelection.Choose(points, 3, options), six.Take(3));
        Assert.Equal(-1, six[0].Cluster);

        // More images than PeakCandidates: a seeded sample is measured; labels outside it still count as covered.
        var (large, largeBlob) = Blobs([12_000, 9_000, 4_000]);
        int[] labelled = [.. Enumerable.Range(0, 12_000).Where(r => r % 2_000 == 0)];
        var picks = LabelSelection.Choose(large, 2, new SelectionOptions { Seed = 1 }, labelled);
        Assert.Equal([1, 2], picks.Select(c => largeBlob[c.Row]).Order());
    }

    [Fact]
    public void Random_references_respect_the_budget_the_labelled_images_and_the_classes()
    {
        using var scope = NewDisposeScope();
        var (points, blob) = Blobs([30, 20, 10]);
        var uniform = LabelSelection.Choose(points, 10,
            new SelectionOptions { Strategy = SelectionStrategy.Uniform, Seed = 1 }, [0, 1]);
        Assert.Equal(10, uniform.Select(c => c.Row).Distinct().Count());
        Assert.DoesNotContain(uniform, c => c.Row is 0 or 1);
        var balanced = LabelSelection.Choose(points, 9,
            new SelectionOptions { Strategy = SelectionStrategy.ClassBalanced, Seed = 1 }, classes: blob);
        Assert.All(balanced.GroupBy(c => blob[c.Row]), g => Assert.Equal(3, g.Count()));
        Assert.NotEqual(uniform.Select(c => c.Row), LabelSelection.Choose(points, 10,
            new SelectionOptions { Strategy = SelectionStrategy.Uniform, Seed = 2 }, [0, 1]).Select(c => c.Row));
    }

    [Fact]
    public void Impossible_requests_are_refused()
    {
        using var scope = NewDisposeScope();
        var (points, _) = Blobs([5, 5]);
        Assert.Throws<ArgumentOutOfRangeException>(() => LabelSelection.Choose(points, 11));
        Assert.Throws<ArgumentOutOfRangeException>(() => LabelSelection.Choose(points, 9, labelled: [0, 1]));
        Assert.Throws<ArgumentException>(() => LabelSelection.Choose(points, 2, labelled: [10]));
        Assert.Throws<ArgumentException>(() =>
            LabelSelection.Choose(points, 2, new SelectionOptions { Strategy = SelectionStrategy.ClassBalanced }));
        Assert.Throws<ArgumentException>(() =>
            LabelSelection.Choose(points, 2, new SelectionOptions { Strategy = SelectionStrategy.Margin }, [0, 5]));
    }

    [Fact]
    public void In_rounds_starts_with_the_cold_start_and_continues_from_what_was_chosen()
    {
        using var scope = NewDisposeScope();
        var (points, _) = Blobs([300, 200, 100]);
        var rounds = LabelSelection.Choose(points, 45,
            new SelectionOptions { Strategy = SelectionStrategy.InRounds, Seed = 4 });
        Assert.Equal(45, rounds.Select(c => c.Row).Distinct().Count());
        // Rounds of 10, 10, 20, then 40 of which 5 are taken.
        Assert.Equal([10, 10, 20, 40, 50, 50], new[] { 0, 10, 20, 40, 80, 200 }.Select(LabelSelection.RoundSize));
        var first = LabelSelection.Choose(points, 10, new SelectionOptions { Seed = 4 });
        Assert.Equal(first, rounds.Take(10));
        var second = LabelSelection.Choose(points, 10, new SelectionOptions { Seed = 4 },
            first.Select(c => c.Row).ToList());
        Assert.Equal(second, rounds.Skip(10).Take(10));
        var third = LabelSelection.Choose(points, 20, new SelectionOptions { Seed = 4 },
            rounds.Take(20).Select(c => c.Row).ToList());
        Assert.Equal(third, rounds.Skip(20).Take(20));
    }

    [Fact]
    public void Margin_picks_images_near_the_boundary_of_the_labelled_classes()
    {
        using var scope = NewDisposeScope();
        // Two touching blobs along x (centres ±1.5): the boundary is x = 0.
        using var g = new Generator(3);
        var points = cat([randn([200, 2], generator: g).add(tensor(new[] { -1.5f, 0f }), KeptScalars.One),
            randn([200, 2], generator: g).add(tensor(new[] { 1.5f, 0f }), KeptScalars.One)], 0);
        var classes = Enumerable.Range(0, 400).Select(r => r < 200 ? 0 : 1).ToArray();
        int[] labelled = [0, 1, 200, 201];
        double MeanDistance(SelectionStrategy strategy) =>
            LabelSelection.Choose(points, 10, new SelectionOptions { Strategy = strategy, Seed = 1 },
            labelled, classes).Average(c => Math.Abs(points[c.Row, 0].item<float>()));
        double margin = MeanDistance(SelectionStrategy.Margin), typical = MeanDistance(SelectionStrategy.Typicality);
        Assert.True(margin < 0.75 * typical, $"margin picks at mean |x| {margin:F2}, typicality at {typical:F2}");
        // Fewer than two classes labelled: nothing to be unsure about, so typicality.
        Assert.Equal(LabelSelection.Choose(points, 5,
                new SelectionOptions { Strategy = SelectionStrategy.Typicality, Seed = 1 }, [0]),
            LabelSelection.Choose(points, 5, new SelectionOptions { Strategy = SelectionStrategy.Margin, Seed = 1 },
                [0], classes));
    }

    [Fact]
    public void From_20_labels_density_peaks_prefer_a_mode_the_classifier_is_unsure_of()
    {
        using var scope = NewDisposeScope();
        // Classes 0 and 1 at x = ∓2; two unlabelled modes alike: M on the boundary (x = 0), F on class 0's side and
        // farther from everything (z = 5).
        using var g = new Generator(7);
        Tensor Blob(int n, float x, float y, float z, float spread) =>
            (randn([n, 3], generator: g) * tensor(spread)).add(tensor(new[] { x, y, z }), KeptScalars.One);
        var points = cat([Blob(300, -2, 0, 0, 0.5f), Blob(300, 2, 0, 0, 0.5f), Blob(100, 0, 3, 0, 0.3f),
            Blob(100, -4, 0, 5, 0.3f)], 0);
        bool InM(int row) => row is >= 600 and < 700;
        bool InF(int row) => row >= 700;
        var labelled = Enumerable.Range(0, 10).Concat(Enumerable.Range(300, 10)).ToList();
        var classes = Enumerable.Range(0, 800).Select(r => !labelled.Contains(r) ? -1 : r < 300 ? 0 : 1).ToArray();
        var options = new SelectionOptions { Seed = 1 };

        // Without classes F is the farther peak; with 20 labels the classifier is sure of F and unsure of M.
        var blind = LabelSelection.Choose(points, 1, options, labelled);
        Assert.True(InF(blind[0].Row), $"without classes: row {blind[0].Row}");
        var informed = LabelSelection.Choose(points, 1, options, labelled, classes);
        Assert.True(InM(informed[0].Row), $"with 20 labels: row {informed[0].Row}");

        // 19 labels: too few to weigh by, the same choice as without classes.
        var fewer = labelled.Skip(1).ToList();
        var fewerClasses = classes.Select((c, r) => r == labelled[0] ? -1 : c).ToArray();
        Assert.Equal(LabelSelection.Choose(points, 3, options, fewer),
            LabelSelection.Choose(points, 3, options, fewer, fewerClasses));
    }
}
