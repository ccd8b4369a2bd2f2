using MaskedSiamese.Analyzers;

namespace MaskedSiamese.Tests.Analyzers;

/// <summary>MSN0002 finds every TorchSharp Generator that nothing disposes, and only those.</summary>
public sealed class GeneratorLifetimeAnalyzerTests
{
    [Fact]
    public async Task A_generator_without_a_using_declaration_or_a_field_is_flagged()
    {
        int[] lines = await AnalyzerSnippets.FlaggedLines(new GeneratorLifetimeAnalyzer(),
            GeneratorLifetimeAnalyzer.Id, """
                    var a = randn(3, 4, generator: new Generator(1));
                    var loose = new Generator(2);
                    using var owned = new Generator(3);
                    using (var scoped = new Generator(4)) x.bernoulli_(0.5, scoped);
                    _draws = new Generator(5);
                    var b = randn(3, 4, generator: owned);
            """);
        Assert.Equal([0, 1], lines);
    }
}
