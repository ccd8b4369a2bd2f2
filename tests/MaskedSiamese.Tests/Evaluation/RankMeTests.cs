using MaskedSiamese.Evaluation;
using static TorchSharp.torch;

namespace MaskedSiamese.Tests.Evaluation;

public sealed class RankMeTests
{
    [Fact]
    public void Collapsed_embeddings_score_one_and_spread_ones_score_their_dimension()
    {
        using var draws1 = new Generator(1);
        using var direction = randn(1, 16, generator: draws1);
        using var collapsed = ones(200, 1).mm(direction);   // every row on one line
        Assert.InRange(RankMe.Of(collapsed), 1.0, 1.01);
        using var spread = eye(16).repeat(4, 1);            // 64 rows spanning 16 equal directions
        Assert.InRange(RankMe.Of(spread), 15.99, 16.01);   // ε lifts it a hair above
        using var draws2 = new Generator(2);
        using var noise = randn(500, 16, generator: draws2);
        double random = RankMe.Of(noise);
        Assert.InRange(random, 14.0, 16.0);                  // nearly full rank, not exactly equal singular values
        using var nothing = zeros(10, 4);
        Assert.Equal(1.0, RankMe.Of(nothing));
        Assert.Throws<ArgumentException>(() => RankMe.Of(empty(5)));
    }
}
