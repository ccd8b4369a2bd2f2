namespace MaskedSiamese.Evaluation;

/// <summary>
/// Limited-memory BFGS with a backtracking Armijo line search, in double precision. Enough for the smooth, strictly
/// convex problems of this folder: there every step gives sᵀy &gt; 0, so the Wolfe curvature test is not needed to
/// keep the inverse-Hessian approximation positive definite.
/// </summary>
internal static class Lbfgs
{
    /// <summary>Evaluates f(x) and writes ∇f(x) into the second argument.</summary>
    internal delegate double Objective(double[] x, double[] gradient);

    internal readonly record struct Outcome(double Value, int Iterations, double GradientNorm, bool Converged);

    /// <summary>
    /// Minimises <paramref name="f"/> from <paramref name="x"/> (updated in place) until ‖∇f‖∞ (or
    /// <paramref name="gradientNorm"/> of the gradient) ≤ <paramref name="tolerance"/> or
    /// <paramref name="maxIterations"/> iterations.
    /// </summary>
    internal static Outcome Minimize(Objective f, double[] x, int maxIterations, double tolerance, int history,
        Func<double[], double>? gradientNorm = null)
    {
        gradientNorm ??= NormInf;
        int n = x.Length;
        var g = new double[n];
        var gNew = new double[n];
        var xNew = new double[n];
        var d = new double[n];
        var s = new double[history][];
        var y = new double[history][];
        var rho = new double[history];
        var alpha = new double[history];
        int stored = 0, newest = -1;

        double fx = f(x, g);
        int iteration = 0, stalled = 0;
        while (true)
        {
            double gInf = gradientNorm(g);
            if (gInf <= tolerance) return new Outcome(fx, iteration, gInf, true);
            if (iteration >= maxIterations || !double.IsFinite(fx)) return new Outcome(fx, iteration, gInf, false);
            iteration++;

            TwoLoop(g, d, s, y, rho, alpha, stored, newest, history);
            double slope = Dot(g, d);
            if (slope >= 0)
            {
                // Rounding can spoil the approximation late in a run: restart from steepest descent.
                stored = 0;
                for (int i = 0; i < n; i++) d[i] = -g[i];
                slope = Dot(g, d);
            }

            // Without curvature information the first step is scaled to unit length; afterwards the initial
            // Hessian scaling (sᵀy / yᵀy) makes step 1 the natural first trial.
            double step = stored == 0 ? Math.Min(1.0, 1.0 / Math.Sqrt(Dot(g, g))) : 1.0;
            double fNew = double.NaN;
            bool accepted = false;
            for (int trial = 0; trial < 50; trial++)
            {
                for (int i = 0; i < n; i++) xNew[i] = x[i] + step * d[i];
                fNew = f(xNew, gNew);
                if (double.IsFinite(fNew) && fNew <= fx + 1e-4 * step * slope)
                {
                    accepted = true;
                    break;
                }
                // Minimiser of the quadratic through f(0), f'(0) and f(step), kept within [0.1, 0.5]·step.
                double q = double.IsFinite(fNew) ? -slope * step * step / (2 * (fNew - fx - slope * step)) : 0.1 * step;
                step = Math.Clamp(q, 0.1 * step, 0.5 * step);
            }
            // No decrease representable in double precision: this is as close as the objective can tell, and a tighter
            // tolerance than the objective's rounding allows would otherwise spin until the iteration cap.
            stalled = fx - fNew <= 1e-15 * Math.Abs(fx) ? stalled + 1 : 0;
            if (!accepted) return new Outcome(fx, iteration, gInf, false);

            int slot = (newest + 1) % history;
            s[slot] ??= new double[n];
            y[slot] ??= new double[n];
            for (int i = 0; i < n; i++)
            {
                s[slot][i] = xNew[i] - x[i];
                y[slot][i] = gNew[i] - g[i];
            }
            double sy = Dot(s[slot], y[slot]);
            if (sy > 1e-12 * Math.Sqrt(Dot(s[slot], s[slot]) * Dot(y[slot], y[slot])))
            {
                rho[slot] = 1.0 / sy;
                newest = slot;
                stored = Math.Min(stored + 1, history);
            }
            Array.Copy(xNew, x, n);
            Array.Copy(gNew, g, n);
            fx = fNew;
            if (stalled >= 10) return new Outcome(fx, iteration, gradientNorm(g), false);
        }
    }

    private static void TwoLoop(double[] g, double[] d, double[][] s, double[][] y, double[] rho, double[] alpha,
        int stored, int newest, int history)
    {
        int n = g.Length;
        for (int i = 0; i < n; i++) d[i] = -g[i];
        for (int k = 0; k < stored; k++)
        {
            int j = ((newest - k) % history + history) % history;
            alpha[j] = rho[j] * Dot(s[j], d);
            Axpy(-alpha[j], y[j], d);
        }
        if (stored > 0)
        {
            double gamma = 1.0 / (rho[newest] * Dot(y[newest], y[newest]));
            for (int i = 0; i < n; i++) d[i] *= gamma;
        }
        for (int k = stored - 1; k >= 0; k--)
        {
            int j = ((newest - k) % history + history) % history;
            double beta = rho[j] * Dot(y[j], d);
            Axpy(alpha[j] - beta, s[j], d);
        }
    }

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    private static void Axpy(double a, double[] x, double[] y)
    {
        for (int i = 0; i < x.Length; i++) y[i] += a * x[i];
    }

    private static double NormInf(double[] v)
    {
        double m = 0;
        foreach (double e in v) m = Math.Max(m, Math.Abs(e));
        return m;
    }
}
