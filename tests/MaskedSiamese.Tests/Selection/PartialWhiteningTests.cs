using MaskedSiamese.Selection;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.Selection;

/// <summary>The space density peaks measure distances in: principal variances λ become λ^¾, rows of unit
/// length.</summary>
public sealed class PartialWhiteningTests
{
    // Independent axes of standard deviation 4, 1 and ¼, turned by a random rotation.
    private static Tensor Anisotropic(int n, Generator g)
    {
        var axes = randn([n, 3], generator: g) * tensor(new[] { 4f, 1f, 0.25f });
        var (rotation, _) = linalg.qr(randn([3, 3], generator: g));
        return axes.mm(rotation).add(tensor(new[] { 5f, -3f, 1f }), KeptScalars.One);
    }

    [Fact]
    public void Each_principal_variance_becomes_its_three_quarter_power()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(3);
        var points = Anisotropic(20_000, g);
        using var space = new PartialWhitening(points);
        var variances = space.Project(points).var([0]).sort().Values.data<float>().ToArray();
        // Variances 1/16 : 1 : 16 become 1/8 : 1 : 8 (sampling error of 20,000 rows: about 1 %).
        Assert.InRange(variances[2] / variances[1], 7.6, 8.4);
        Assert.InRange(variances[1] / variances[0], 7.6, 8.4);
    }

    [Fact]
    public void Rows_come_out_unit_length_and_a_rotation_of_the_input_changes_no_distance()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(4);
        var points = Anisotropic(500, g);
        var (rotation, _) = linalg.qr(randn([3, 3], generator: g));
        var turned = points.mm(rotation);
        using var space = new PartialWhitening(points);
        using var turnedSpace = new PartialWhitening(turned);
        var flat = space.Apply(points);
        Assert.True(flat.norm(1).sub(ones(1)).abs().max().item<float>() < 1e-5f);
        var difference = cdist(flat, flat) - cdist(turnedSpace.Apply(turned), turnedSpace.Apply(turned));
        Assert.True(difference.abs().max().item<float>() < 1e-3f);
    }

    [Fact]
    public void Constant_columns_and_fewer_rows_than_columns_stay_finite()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(5);
        var points = cat([randn([6, 4], generator: g), zeros(6, 12)], 1);   // like pixels that never change
        using var space = new PartialWhitening(points);
        var flat = space.Apply(points);
        Assert.True(flat.isfinite().all().item<bool>());
        Assert.True(flat.norm(1).sub(ones(1)).abs().max().item<float>() < 1e-4f);
    }

    [Fact]
    public void Features_wider_than_the_limit_are_left_as_they_are()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(6);
        var points = randn([8, PartialWhitening.MaxDimensions + 1], generator: g);
        using var space = new PartialWhitening(points);
        Assert.True(space.Apply(points).equal(points).all().item<bool>());
        Assert.Throws<InvalidOperationException>(() => space.Project(points));
    }
}
