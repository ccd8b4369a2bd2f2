using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace MaskedSiamese.Tests.Analyzers;

/// <summary>Runs one of the repository's analyzers on a method body compiled against TorchSharp.</summary>
internal static class AnalyzerSnippets
{
    /// <summary>The lines of <paramref name="body"/> (0 = its first) that <paramref name="analyzer"/> reports, each
    /// with <paramref name="id"/>. The body runs in <c>void Run(Tensor x, Tensor mask, long n)</c> of a class with the
    /// fields <c>static readonly Scalar Kept = 2.ToScalar()</c> (which no rule flags) and <c>Generator? _draws</c>,
    /// with <c>using TorchSharp</c> and <c>using static TorchSharp.torch</c>.</summary>
    public static async Task<int[]> FlaggedLines(DiagnosticAnalyzer analyzer, string id, string body)
    {
        string source = $$"""
            using TorchSharp;
            using static TorchSharp.torch;
            class Snippet
            {
                static readonly Scalar Kept = 2.ToScalar();
                Generator? _draws;
                void Run(Tensor x, Tensor mask, long n)
                {
            {{body}}
                }
            }
            """;
        string platform = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        var references = platform.Split(Path.PathSeparator)
            .Append(typeof(TorchSharp.torch).Assembly.Location)
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create("Snippet", [CSharpSyntaxTree.ParseText(source)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join('\n', errors));
        var found = await compilation.WithAnalyzers([analyzer]).GetAnalyzerDiagnosticsAsync();
        Assert.All(found, d => Assert.Equal(id, d.Id));
        return [.. found.Select(d => d.Location.GetLineSpan().StartLinePosition.Line - 8).Order()];
    }
}
