using MaskedSiamese.Loss;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.Loss;

public sealed class LossTermsTests
{
    [Fact]
    public void Zero_targets_contribute_exactly_zero_even_where_p_is_zero()
    {
        using var scope = NewDisposeScope();
        var p = tensor(new float[] { 0f, 0.25f, 0.75f, 0f, 1f, 0f }).view(2, 3).requires_grad_(true);
        var t = tensor(new float[] { 0f, 0.5f, 0.5f, 0f, 1f, 0f }).view(2, 3);

        var ce = LossTerms.CrossEntropy(p, t);
        ce.backward();

        double expected = -(0.5 * Math.Log(0.25) + 0.5 * Math.Log(0.75)) / 2;
        Assert.Equal(expected, ce.item<float>(), 6);
        Assert.False(p.grad!.isnan().any().item<bool>(), "gradient has NaN where p = t = 0");
        Assert.Equal(0f, p.grad![0, 0].item<float>());
        Assert.Equal(0f, p.grad![1, 2].item<float>());
    }

    [Fact]
    public void Cross_entropy_is_minus_t_log_p()
    {
        using var scope = NewDisposeScope();
        using var draws1 = new Generator(1);
        var p = nn.functional.softmax(randn(5, 7, generator: draws1), 1);
        using var draws2 = new Generator(2);
        var t = nn.functional.softmax(randn(5, 7, generator: draws2), 1);
        double reference = (-(t * p.log()).sum(1).mean()).item<float>();
        Assert.Equal(reference, LossTerms.CrossEntropy(p, t).item<float>(), 5);
    }

    [Fact]
    public void Sharpen_with_T_one_is_the_identity_and_lower_T_sharpens()
    {
        using var scope = NewDisposeScope();
        using var draws3 = new Generator(3);
        var p = nn.functional.softmax(randn(6, 10, generator: draws3), 1);

        var same = LossTerms.Sharpen(p, 1.0);
        Assert.True(same.allclose(p, rtol: 1e-6, atol: 1e-7));

        var sharp = LossTerms.Sharpen(p, 0.25);
        Assert.True(sharp.sum(1).allclose(ones(6), rtol: 1e-6, atol: 1e-6));
        Assert.True((sharp.max(1).values > p.max(1).values).all().item<bool>());
        Assert.True((sharp.argmax(1) == p.argmax(1)).all().item<bool>());
        Assert.True(LossTerms.MeanEntropy(sharp).item<float>() < LossTerms.MeanEntropy(p).item<float>());
    }

    [Fact]
    public void Sinkhorn_rows_sum_to_one_and_prototype_masses_are_equal()
    {
        using var scope = NewDisposeScope();
        const int B = 16, K = 8;
        using var draws4 = new Generator(4);
        var p = nn.functional.softmax(randn(B, K, generator: draws4), 1);

        var q = SinkhornKnopp.Normalize(p);

        Assert.Equal(p.shape, q.shape);
        Assert.True(q.sum(1).allclose(ones(B), rtol: 1e-5, atol: 1e-5), "rows do not sum to 1");
        var mass = q.sum(0L); // 0L: a bare 0 binds to sum(ScalarType) and sums as Byte
        double spread = ((mass.max() - mass.min()) / mass.mean()).item<float>();
        double inputSpread = ((p.sum(0L).max() - p.sum(0L).min()) / p.sum(0L).mean()).item<float>();
        Assert.True(spread < 0.01, $"prototype masses vary by {spread:P2} after 3 iterations");
        Assert.True(spread < inputSpread / 10);
        Assert.Equal((double)B / K, mass.mean().item<float>(), 4);
    }

    [Fact]
    public void Sinkhorn_leaves_its_input_untouched()
    {
        using var scope = NewDisposeScope();
        using var draws5 = new Generator(5);
        var p = nn.functional.softmax(randn(4, 6, generator: draws5), 1);
        var copy = p.clone();
        SinkhornKnopp.Normalize(p);
        Assert.True(p.equal(copy).all().item<bool>());
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.1)]
    [InlineData(1.0)]
    public void Proto_label_rows_sum_to_one(double smoothing)
    {
        using var scope = NewDisposeScope();
        var labels = ProtoLabels.Create(48, smoothing);
        Assert.True(labels.sum(1).allclose(ones(48), rtol: 1e-6, atol: 1e-6));
        Assert.Equal(smoothing / 48, labels[0, 1].item<float>(), 7);
        Assert.Equal(1 - smoothing + smoothing / 48, labels[3, 3].item<float>(), 7);
        if (smoothing == 0.0) Assert.True(labels.equal(eye(48)).all().item<bool>());
    }

    [Fact]
    public void MeMax_is_zero_for_uniform_and_log_K_for_one_hot_mean()
    {
        using var scope = NewDisposeScope();
        const int K = 16;
        using (var uniform = (1.0 / K).ToScalar())
            Assert.Equal(0.0, LossTerms.MeMax(full(5, K, uniform)).item<float>(), 6);
        // Every row the same one-hot, so p̄ is one-hot: 0·log 0 must count as 0 (the pow form gives 0^0 = 1).
        var oneHot = zeros(5, K);
        oneHot[.., 3] = tensor(1f);
        Assert.Equal(Math.Log(K), LossTerms.MeMax(oneHot).item<float>(), 5);
    }

    [Fact]
    public void MeMax_averages_over_all_rows_before_the_entropy()
    {
        using var scope = NewDisposeScope();
        // Two different one-hot rows: each is peaked but their mean is uniform over 2 of K = 4.
        var p = tensor(new float[] { 1, 0, 0, 0, 0, 1, 0, 0 }).view(2, 4);
        Assert.Equal(Math.Log(4) - Math.Log(2), LossTerms.MeMax(p).item<float>(), 5);
    }

    [Fact]
    public void Prototype_probabilities_are_scale_invariant_rows_of_a_distribution()
    {
        using var scope = NewDisposeScope();
        using var draws6 = new Generator(6);
        var z = randn(6, 8, generator: draws6);
        using var draws7 = new Generator(7);
        var q = randn(5, 8, generator: draws7);
        var labels = ProtoLabels.Create(5);
        var p = LossTerms.PrototypeProbabilities(z, q, labels, 0.1);
        using var three = 3.0.ToScalar();
        var scaled = LossTerms.PrototypeProbabilities(z.mul(three), q.mul(three), labels, 0.1);

        Assert.Equal(new long[] { 6, 5 }, p.shape);
        Assert.True(p.sum(1).allclose(ones(6), rtol: 1e-5, atol: 1e-6));
        Assert.True(p.allclose(scaled, rtol: 1e-5, atol: 1e-7));
        var cos = nn.functional.normalize(z, dim: 1).matmul(nn.functional.normalize(q, dim: 1).t());
        using var temperature = 0.1.ToScalar();
        Assert.True(p.allclose(nn.functional.softmax(cos.div(temperature), 1), rtol: 1e-5, atol: 1e-7));
    }

    [Fact]
    public void Entropy_of_uniform_rows_is_log_K()
    {
        using var scope = NewDisposeScope();
        using var tenth = 0.1.ToScalar();
        Assert.Equal(Math.Log(10), LossTerms.MeanEntropy(full(3, 10, tenth)).item<float>(), 1e-6);
    }
}
