using MaskedSiamese.Evaluation;
using MaskedSiamese.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.Evaluation;

public sealed class MultinomialLogisticRegressionTests(ITestOutputHelper output)
{
    [Fact]
    public void Separable_problem_is_fitted_perfectly()
    {
        var (x, y) = SyntheticData.Clusters(perClass: 40, classes: 4, dim: 8, separation: 12, seed: 1);
        using var _ = x;

        var model = MultinomialLogisticRegression.Fit(x, y, 4, new LogisticRegressionOptions { Lambda = 1e-3 });

        Assert.Equal(1.0, model.Accuracy(x, y));
        output.WriteLine($"{model.FitInfo}");
    }

    [Fact]
    public void Matches_an_independent_newton_solve_of_the_same_objective()
    {
        const int classes = 3, dim = 5;
        const double lambda = 0.3;
        var (x, y) = SyntheticData.Clusters(perClass: 20, classes, dim, separation: 1.5, seed: 7, ScalarType.Float64);
        using var _ = x;
        var xs = x.data<double>().ToArray();

        var model = MultinomialLogisticRegression.Fit(x, y, classes,
            new LogisticRegressionOptions { Lambda = lambda, GradientTolerance = 1e-8, MaxIterations = 5000 });
        var (wNewton, fNewton) = NewtonSolve(xs, y, dim, classes, lambda);

        output.WriteLine($"ours: {model.FitInfo}; Newton objective {fNewton:R}");
        Assert.True(model.FitInfo.Converged);
        TensorAssert.CloseRelative(fNewton, model.FitInfo.Objective, 1e-6, "objective");
        TensorAssert.CloseRelative(fNewton, Objective(xs, y, dim, classes, lambda, model.Weights.ToArray(), null), 1e-6,
            "objective recomputed from the returned weights");
        for (int i = 0; i < wNewton.Length; i++)
            Assert.True(Math.Abs(wNewton[i] - model.Weights[i]) <= 1e-4, $"W[{i}]: {model.Weights[i]} vs {wNewton[i]}");
    }

    [Fact]
    public void Whitening_reaches_the_same_optimum_in_far_fewer_iterations_on_anisotropic_features()
    {
        // Like encoder features: a few directions carry most of the variance and the classes differ in weak ones.
        const int classes = 5, dim = 64;
        var (raw, y) = SyntheticData.Clusters(perClass: 400, classes, dim, separation: 1.5, seed: 9,
            ScalarType.Float64);
        using var _ = raw;
        using var scales = torch.pow(10.0, torch.linspace(0, -2.5, dim, dtype: float64));
        using var x = FeaturePreprocessing.CenterAndNormalize(raw * scales);
        var options = new LogisticRegressionOptions { Lambda = 1e-3, MaxIterations = 20_000 };

        var plain = MultinomialLogisticRegression.Fit(x, y, classes, options with { Whiten = false });
        // 2,000 samples, 64 dimensions: whitened by default
        var whitened = MultinomialLogisticRegression.Fit(x, y, classes, options);

        output.WriteLine($"plain: {plain.FitInfo}\nwhitened: {whitened.FitInfo}");
        Assert.True(plain.FitInfo.Converged && whitened.FitInfo.Converged);
        Assert.True(whitened.FitInfo.Iterations * 4 < plain.FitInfo.Iterations,
            $"whitening took {whitened.FitInfo.Iterations} iterations, plain L-BFGS {plain.FitInfo.Iterations}");
        // The same gradient test passes closer to the optimum in the whitened variable: the weak directions that plain
        // L-BFGS leaves short still hold a little objective (measured 2e-5 relative).
        Assert.True(whitened.FitInfo.Objective <= plain.FitInfo.Objective * (1 + 1e-12));
        TensorAssert.CloseRelative(plain.FitInfo.Objective, whitened.FitInfo.Objective, 1e-4, "objective");
        double agreement = plain.Predict(x).Zip(whitened.Predict(x)).Count(p => p.First == p.Second) / (double)y.Length;
        Assert.True(agreement >= 0.99, $"predictions agree on {agreement:P1}");
    }

    [Fact]
    public void Unreachable_tolerance_stops_at_the_rounding_floor_without_claiming_convergence()
    {
        var (x, y) = SyntheticData.Clusters(perClass: 10, classes: 3, dim: 4, separation: 1, seed: 5,
            ScalarType.Float64);
        using var _ = x;

        var model = MultinomialLogisticRegression.Fit(x, y, 3,
            new LogisticRegressionOptions { Lambda = 0.1, GradientTolerance = 0, MaxIterations = 100_000 });

        output.WriteLine($"{model.FitInfo}");
        Assert.False(model.FitInfo.Converged);
        Assert.True(model.FitInfo.Iterations < 100_000);
        Assert.True(model.FitInfo.GradientNorm < 1e-8);
    }

    [Fact]
    public void Lambda_sweep_by_cross_validation_picks_a_grid_value_and_never_sees_other_data()
    {
        var (x, y) = SyntheticData.Clusters(perClass: 5, classes: 3, dim: 6, separation: 3, seed: 3);
        using var _ = x;
        double[] grid = [1e-3, 1e-2, 1e-1, 1, 10];

        var search = LambdaSearch.CrossValidate(x, y, 3, grid, folds: 5, seed: 0);

        Assert.Contains(search.BestLambda, grid);
        Assert.Equal(grid.Length, search.Scores.Count);
        Assert.All(search.Scores, s => Assert.InRange(s.MeanAccuracy, 0, 1));
        foreach (var s in search.Scores) output.WriteLine($"{s}");
    }

    [Fact]
    public void The_default_lambda_grid_is_the_low_shot_one_up_to_100_samples_and_reaches_lower_for_more()
    {
        Assert.Equal(11, LambdaSearch.DefaultGrid.Count);
        Assert.Equal(1e-4, LambdaSearch.DefaultGrid[0], 12);
        Assert.Equal(10, LambdaSearch.DefaultGrid[^1], 12);
        Assert.Same(LambdaSearch.DefaultGrid, LambdaSearch.GridFor(2));
        Assert.Same(LambdaSearch.DefaultGrid, LambdaSearch.GridFor(100));

        var large = LambdaSearch.GridFor(60_000);
        Assert.Equal(17, large.Count);
        Assert.Equal(1e-7, large[0], 15);
        Assert.Equal(10, large[^1], 12);
        // The low-shot grid's values are kept exactly, so small and large sets share their candidates.
        Assert.Equal(LambdaSearch.DefaultGrid, large.Skip(6));
        foreach (int n in new[] { 101, 1_000, 12_345, 60_000 })
        {
            var grid = LambdaSearch.GridFor(n);
            Assert.InRange(grid[0], 1e-4 * 100 / n / Math.Sqrt(10) * 0.999, 1e-4 * 100 / n);
            Assert.True(grid.Zip(grid.Skip(1)).All(p => Math.Abs(p.Second / p.First - Math.Sqrt(10)) < 1e-9));
        }
    }

    /// <summary>Σ CE + (λ/2)‖W‖² for W [D, C] row-major; fills the gradient when asked.</summary>
    private static double Objective(double[] x, int[] y, int dim, int classes, double lambda, double[] w, double[]? g)
    {
        int n = y.Length;
        double f = 0;
        if (g is not null) for (int k = 0; k < w.Length; k++) g[k] = lambda * w[k];
        for (int k = 0; k < w.Length; k++) f += 0.5 * lambda * w[k] * w[k];
        for (int i = 0; i < n; i++)
        {
            var p = Probabilities(x, i, dim, classes, w, out double lse, out var z);
            f += lse - z[y[i]];
            if (g is null) continue;
            for (int d = 0; d < dim; d++)
                for (int c = 0; c < classes; c++)
                    g[d * classes + c] += x[i * dim + d] * (p[c] - (c == y[i] ? 1 : 0));
        }
        return f;
    }

    private static double[] Probabilities(double[] x, int i, int dim, int classes, double[] w, out double lse,
        out double[] z)
    {
        z = new double[classes];
        for (int c = 0; c < classes; c++)
            for (int d = 0; d < dim; d++) z[c] += x[i * dim + d] * w[d * classes + c];
        double m = z.Max();
        double sum = z.Sum(v => Math.Exp(v - m));
        lse = m + Math.Log(sum);
        double l = lse;
        return z.Select(v => Math.Exp(v - l)).ToArray();
    }

    /// <summary>Damped Newton with the full Hessian Σᵢ (diag pᵢ − pᵢpᵢᵀ) ⊗ xᵢxᵢᵀ + λI.</summary>
    private static (double[] W, double F) NewtonSolve(double[] x, int[] y, int dim, int classes, double lambda)
    {
        int m = dim * classes;
        var w = new double[m];
        var g = new double[m];
        double f = Objective(x, y, dim, classes, lambda, w, g);
        for (int it = 0; it < 100 && g.Max(Math.Abs) > 1e-13; it++)
        {
            var h = new double[m, m];
            for (int k = 0; k < m; k++) h[k, k] = lambda;
            for (int i = 0; i < y.Length; i++)
            {
                var p = Probabilities(x, i, dim, classes, w, out _, out _);
                for (int d = 0; d < dim; d++)
                    for (int c = 0; c < classes; c++)
                        for (int e = 0; e < dim; e++)
                            for (int c2 = 0; c2 < classes; c2++)
                                h[d * classes + c, e * classes + c2] +=
                                    x[i * dim + d] * x[i * dim + e] * ((c == c2 ? p[c] : 0) - p[c] * p[c2]);
            }
            var step = Solve(h, g);
            double t = 1;
            while (true)
            {
                var wNew = w.Select((v, k) => v - t * step[k]).ToArray();
                var gNew = new double[m];
                double fNew = Objective(x, y, dim, classes, lambda, wNew, gNew);
                if (fNew <= f || t < 1e-10)
                {
                    (w, g, f) = (wNew, gNew, fNew);
                    break;
                }
                t /= 2;
            }
        }
        return (w, f);
    }

    /// <summary>Gaussian elimination with partial pivoting: returns A⁻¹b.</summary>
    private static double[] Solve(double[,] a, double[] b)
    {
        int n = b.Length;
        var m = (double[,])a.Clone();
        var r = (double[])b.Clone();
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int row = col + 1; row < n; row++)
                if (Math.Abs(m[row, col]) > Math.Abs(m[pivot, col])) pivot = row;
            for (int k = 0; k < n; k++) (m[col, k], m[pivot, k]) = (m[pivot, k], m[col, k]);
            (r[col], r[pivot]) = (r[pivot], r[col]);
            for (int row = col + 1; row < n; row++)
            {
                double factor = m[row, col] / m[col, col];
                for (int k = col; k < n; k++) m[row, k] -= factor * m[col, k];
                r[row] -= factor * r[col];
            }
        }
        var sol = new double[n];
        for (int row = n - 1; row >= 0; row--)
        {
            double s = r[row];
            for (int k = row + 1; k < n; k++) s -= m[row, k] * sol[k];
            sol[row] = s / m[row, row];
        }
        return sol;
    }
}
