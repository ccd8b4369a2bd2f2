using MaskedSiamese.Analyzers;

namespace MaskedSiamese.Tests.Analyzers;

/// <summary>MSN0001 finds every temporary TorchSharp Scalar in a snippet compiled against TorchSharp, and only
/// those.</summary>
public sealed class ScalarLifetimeAnalyzerTests
{
    private static Task<int[]> FlaggedLines(string body) =>
        AnalyzerSnippets.FlaggedLines(new ScalarLifetimeAnalyzer(), ScalarLifetimeAnalyzer.Id, body);

    [Fact]
    public async Task Numbers_converted_on_the_way_into_LibTorch_are_flagged()
    {
        int[] lines = await FlaggedLines("""
                    var a = x.masked_fill(mask, double.PositiveInfinity);
                    var b = x.clamp_min(1e-12);
                    var c = arange(n);
                    var d = x * 0.5;
                    var e = 1 - x;
                    var f = x.mul((Scalar)2);
            """);
        Assert.Equal([0, 1, 2, 3, 4, 5], lines);
    }

    [Fact]
    public async Task A_Scalar_outside_a_using_declaration_is_flagged_and_one_inside_is_not()
    {
        int[] lines = await FlaggedLines("""
                    var loose = 2.0.ToScalar();
                    var g = x.mul(3.0.ToScalar());
                    using var two = 2.0.ToScalar();
                    using (var three = 3.ToScalar()) x.mul_(three);
                    var h = x.mul(two) * x - x.masked_fill(mask, two);
                    var i = x * tensor(4f);
            """);
        Assert.Equal([0, 1], lines);
    }

    [Fact]
    public async Task Additions_without_an_alpha_are_flagged_and_those_with_one_are_not()
    {
        int[] lines = await FlaggedLines("""
                    var a = x + mask;
                    var b = x.add(mask);
                    x.add_(mask);
                    using var one = 1.ToScalar();
                    var c = x.add(mask, one);
                    x.add_(one, one);
                    var d = x - mask;
            """);
        Assert.Equal([0, 1, 2], lines);
    }
}
