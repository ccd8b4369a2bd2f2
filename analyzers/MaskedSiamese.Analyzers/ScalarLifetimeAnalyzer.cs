using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace MaskedSiamese.Analyzers;

/// <summary>
/// MSN0001: a <c>TorchSharp.Scalar</c> must live in a <c>using</c> declaration. TorchSharp's methods pass
/// <c>scalar.Handle</c> to LibTorch and do not keep the Scalar alive while LibTorch reads it; a temporary one (an
/// implicit conversion such as <c>x * 0.5</c> or <c>masked_fill(m, double.PositiveInfinity)</c>) is unreachable from
/// that moment, and a garbage collection on another thread can run its finaliser and free the native value mid-call
/// (seen: "Expected false to be true ... toFloat" from <c>masked_fill</c> under load). A <c>using</c> local is
/// disposed only after the call, which keeps it alive through it; a static read-only field keeps it for good.
/// TorchSharp makes such a temporary inside some calls, so they count too: its operators that take a number
/// (<c>Tensor * double</c>, <c>1 - Tensor</c>), and its additions without an alpha (<c>Tensor + Tensor</c>,
/// <c>add</c>, <c>add_</c>, <c>addcdiv</c>, <c>addcdiv_</c>), which pass a new Scalar 1.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ScalarLifetimeAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The rule's identifier.</summary>
    public const string Id = "MSN0001";

    private static readonly DiagnosticDescriptor Rule = new(
        Id,
        "TorchSharp Scalar outside a using declaration",
        "A temporary TorchSharp Scalar ({0}) can be freed by its finaliser while LibTorch reads it; declare it with "
            + "'using var name = value.ToScalar();' and pass that",
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
        context.RegisterOperationAction(OnConversion, OperationKind.Conversion);
        context.RegisterOperationAction(OnInvocation, OperationKind.Invocation);
        context.RegisterOperationAction(OnOperator, OperationKind.Binary);
    }

    private static void OnConversion(OperationAnalysisContext context)
    {
        var conversion = (IConversionOperation)context.Operation;
        if (conversion.OperatorMethod is null || !IsScalar(conversion.Type)) return;
        context.ReportDiagnostic(Diagnostic.Create(Rule, conversion.Syntax.GetLocation(),
            $"from {conversion.Operand.Type?.ToDisplayString() ?? "a value"}"));
    }

    private static void OnInvocation(OperationAnalysisContext context)
    {
        var call = (IInvocationOperation)context.Operation;
        var method = call.TargetMethod;
        if (IsTensor(method.ContainingType) && HiddenAlpha.Contains(method.Name)
            && !method.Parameters.Any(p => IsScalar(p.Type) && p.Name is "alpha" or "value"))
        {
            context.ReportDiagnostic(Diagnostic.Create(Rule, call.Syntax.GetLocation(),
                $"alpha 1 made by Tensor.{method.Name}; pass one"));
            return;
        }
        if (!IsScalar(call.Type) || UsingDeclarations.Hold(call) || UsingDeclarations.KeptForGood(call)) return;
        context.ReportDiagnostic(Diagnostic.Create(Rule, call.Syntax.GetLocation(), $"from {method.Name}"));
    }

    private static void OnOperator(OperationAnalysisContext context)
    {
        var binary = (IBinaryOperation)context.Operation;
        var method = binary.OperatorMethod;
        if (method is null || !IsTensor(method.ContainingType)) return;
        if (binary.OperatorKind == BinaryOperatorKind.Add)
        {
            context.ReportDiagnostic(Diagnostic.Create(Rule, binary.Syntax.GetLocation(),
                "alpha 1 made by Tensor's operator +; call add with one"));
            return;
        }
        foreach (var parameter in method.Parameters)
        {
            if (parameter.Type.SpecialType == SpecialType.None) continue;   // a Tensor or a Scalar
            context.ReportDiagnostic(Diagnostic.Create(Rule, binary.Syntax.GetLocation(),
                $"made by Tensor's operator {binary.OperatorKind} from {parameter.Type.ToDisplayString()}"));
        }
    }

    private static readonly ImmutableHashSet<string> HiddenAlpha = ["add", "add_", "addcdiv", "addcdiv_"];

    private static bool IsTensor(ITypeSymbol? type) =>
        type is { Name: "Tensor", ContainingType: { Name: "torch", ContainingNamespace.Name: "TorchSharp" } };

    private static bool IsScalar(ITypeSymbol? type) =>
        type is
        {
            Name: "Scalar",
            ContainingNamespace: { Name: "TorchSharp", ContainingNamespace.IsGlobalNamespace: true },
        };
}
