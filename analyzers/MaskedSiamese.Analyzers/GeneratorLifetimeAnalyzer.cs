using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace MaskedSiamese.Analyzers;

/// <summary>
/// MSN0002: a <c>TorchSharp.torch.Generator</c> made with <c>new</c> lives in a <c>using</c> declaration or in a
/// field or property of an object that disposes it. LibTorch draws from the generator's native state during the
/// whole call (<c>randn(…, generator: new Generator(9))</c>), while the temporary is already unreachable: a
/// collection on another thread can finalise it and free that state mid-draw, as MSN0001's Scalars.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class GeneratorLifetimeAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The rule's identifier.</summary>
    public const string Id = "MSN0002";

    private static readonly DiagnosticDescriptor Rule = new(
        Id,
        "TorchSharp Generator without an owner",
        "A TorchSharp Generator that nothing disposes can be freed by its finaliser while LibTorch draws from it; "
            + "declare it with 'using var' or store it in a field that is disposed",
        "Reliability",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [Rule];

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterOperationAction(OnCreation, OperationKind.ObjectCreation);
    }

    private static void OnCreation(OperationAnalysisContext context)
    {
        var creation = (IObjectCreationOperation)context.Operation;
        if (creation.Type is not { Name: "Generator", ContainingType.Name: "torch" } type
            || type.ContainingType.ContainingNamespace.Name != "TorchSharp") return;
        if (UsingDeclarations.Hold(creation) || UsingDeclarations.StoredInMember(creation)) return;
        context.ReportDiagnostic(Diagnostic.Create(Rule, creation.Syntax.GetLocation()));
    }
}
