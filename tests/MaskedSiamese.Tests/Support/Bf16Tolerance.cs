namespace MaskedSiamese.Tests.Support;

/// <summary>
/// Tolerances of a bf16 run against the official float32 fixtures, derived from bfloat16's precision rather than
/// fitted to what we measured (the README's "Precision" section repeats this).
/// </summary>
/// <remarks>
/// <para>bfloat16 keeps 8 significant bits, so rounding a value to it changes it by at most u = 2⁻⁸ ≈ 3.9e-3
/// relative, and on average by u/√3 (uniform rounding error). A bf16 product [m, n]·[n, k] rounds its two operands
/// (the kernel accumulates in float32 and rounds the result once more): each output is a sum of n terms, each off by
/// about u/√3 relative in each operand. For terms of mixed sign the n errors add like the n terms themselves (as
/// √n), so the output's error relative to its own size is about √3 · u/√3 = u whatever the reduction length;
/// only the worst case (all terms of one sign and cancelling results) grows with n, which LayerNorm and BatchNorm keep
/// away by centring every product's input.</para>
/// <para>Products in series add independent errors: after M of them the relative error is about u·√M per element.
/// The tests allow 4 such standard deviations (a Gaussian tail of 6e-5 per element, for a few thousand elements
/// compared) relative to the largest reference value: <see cref="Forward"/>.</para>
/// <para>The loss divides cosine similarities by the temperature τ = 0.1 and the targets' again by the sharpening T:
/// an embedding off by ε relative in a random direction moves a d-wide cosine by ε/√d and a logit by ε/(τ√d), a
/// target logit by ε/(τT√d). A row's cross-entropy moves by at most the logit change times ‖p − t‖₁ ≤ 2,
/// the target change (through log p) likewise, and the B·V anchor rows average independent errors: see
/// <see cref="Loss"/>. This is also why the prototype scores stay float32: rounding them to bf16 would add u/τ = 0.039
/// to every logit, ten times the rounding of the products, for 0.05% of a step's FLOPs.</para>
/// </remarks>
public static class Bf16Tolerance
{
    /// <summary>Unit roundoff of bfloat16 (8 significant bits).</summary>
    public const double U = 1.0 / 256;

    /// <summary>max|ours − ref| / max|ref| allowed after <paramref name="products"/> bf16 products in
    /// series.</summary>
    public static double Forward(int products) => 4 * U * Math.Sqrt(products);

    /// <summary>
    /// |Δloss| allowed for embeddings after <paramref name="products"/> bf16 products, width <paramref name="dim"/>,
    /// temperature <paramref name="temperature"/>, sharpening <paramref name="sharpen"/>, over
    /// <paramref name="rows"/> anchor rows: 4σ of the per-row change 2·(1 + 1/T)·ε/(τ√d), averaged over the
    /// rows.
    /// </summary>
    public static double Loss(int products, int dim, double temperature, double sharpen, int rows) =>
        4 * 2 * (1 + 1 / sharpen) * U * Math.Sqrt(products) / (temperature * Math.Sqrt(dim)) / Math.Sqrt(rows);

    /// <summary>
    /// Relative change allowed in the gradient norm: the backward pass takes two bf16 products per forward product
    /// (3M in series from the loss back to the first layer), on top of the loss's logit change, which every
    /// gradient inherits through (p − t)/τ.
    /// </summary>
    public static double GradientNorm(int products, int dim, double temperature, double sharpen, int rows) =>
        Forward(3 * products) / Math.Sqrt(rows) + Loss(products, dim, temperature, sharpen, rows);
}
