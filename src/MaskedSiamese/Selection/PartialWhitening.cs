using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Selection;

/// <summary>
/// The space density peaks measure distances in: the features' principal directions, each scaled so that its
/// variance λ becomes λ^¾ (up to a common factor), and every row L2-normalised again. Encoder features are strongly
/// anisotropic: on the main job's checkpoint 5 of 192 directions hold 87 % of the variance (96 % on the patch-4
/// one), so plain distances mostly see a few coarse directions and miss the modes that lie along the weaker ones.
/// Full whitening (λ → 1) lifts the noise as much as the signal: 16 points lost at 10 labels there. The fit is the
/// eigendecomposition of the rows' covariance, in float64; features wider than <see cref="MaxDimensions"/> are left
/// as they are.
/// </summary>
internal sealed class PartialWhitening : IDisposable
{
    /// <summary>Each principal direction is divided by σ^Power (σ its standard deviation). 0.25 gained 4.7 / 3.7 /
    /// 1.3 / 0.8 points at 10 / 20 / 50 / 100 labels on the main job's checkpoint (50 seeds) and moved the patch-4
    /// checkpoint and raw pixels by at most 1.5 points either way; 0.5 lost 9 points at 10 labels on pixels (20
    /// seeds).</summary>
    public const double Power = 0.25;

    /// <summary>Wider features (raw pixels of large images) are left as they are: their covariance alone would take
    /// D² × 8 bytes (128 MB at 4,096).</summary>
    public const int MaxDimensions = 4096;

    private readonly Tensor? _mean;        // [1, D]; null when the features are left as they are
    private readonly Tensor? _projection;  // [D, D]: the principal directions, each divided by σ^Power

    /// <summary>Fits the principal directions and their scales to <paramref name="rows"/> [N, D]: every row that
    /// distances will be measured from, so that none has a component along a direction the fit saw no variance
    /// in.</summary>
    public PartialWhitening(Tensor rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.shape[1] > MaxDimensions) return;
        using var scope = NewDisposeScope();
        var centred = rows.to_type(ScalarType.Float64, copy: true);
        var mean = centred.mean([0], keepdim: true);
        centred.sub_(mean);
        using var degrees = Math.Max(1, rows.shape[0] - 1).ToScalar();
        var (variance, directions) = linalg.eigh(centred.t().mm(centred).div(degrees));
        // Directions without variance (fewer rows than dimensions, constant pixels) keep a finite scale.
        using var floor = (Math.Max(variance.max().item<double>(), 1e-300) * 1e-12).ToScalar();
        using var exponent = (-Power / 2).ToScalar();
        var scale = variance.clamp_min(floor).pow(exponent);
        _mean = mean.to_type(ScalarType.Float32).DetachFromDisposeScope();
        _projection = (directions * scale.unsqueeze(0)).to_type(ScalarType.Float32).DetachFromDisposeScope();
    }

    /// <summary>Rows [M, D] in the flattened space, L2-normalised (a copy of them, in float32, when wider than
    /// <see cref="MaxDimensions"/>).</summary>
    public Tensor Apply(Tensor rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (_projection is null) return rows.to_type(ScalarType.Float32, copy: true);
        using var scope = NewDisposeScope();
        return nn.functional.normalize(Project(rows), dim: 1).MoveToOuterDisposeScope();
    }

    /// <summary>Rows [M, D] centred and projected on the scaled principal directions, not normalised.</summary>
    public Tensor Project(Tensor rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (_projection is null)
            throw new InvalidOperationException($"features wider than {MaxDimensions} are not fitted");
        using var scope = NewDisposeScope();
        return (rows.to_type(ScalarType.Float32) - _mean!).mm(_projection).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _mean?.Dispose();
        _projection?.Dispose();
    }
}
