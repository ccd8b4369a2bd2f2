using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace MaskedSiamese.Analyzers;

/// <summary>Where a value made by an expression ends up: the owners the lifetime rules accept.</summary>
internal static class UsingDeclarations
{
    /// <summary>Whether <paramref name="value"/> initialises a local of a <c>using</c> declaration
    /// (<c>using var s = …;</c> or <c>using (var s = …)</c>), which is disposed, and so kept alive, to the end of its
    /// scope.</summary>
    public static bool Hold(IOperation value)
    {
        var parent = Unconverted(value.Parent);
        if (parent is not IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator })
            return false;
        for (IOperation? up = declarator.Parent; up is not null; up = up.Parent)
        {
            if (up is IUsingDeclarationOperation or IUsingOperation) return true;
            if (up is not (IVariableDeclarationOperation or IVariableDeclarationGroupOperation)) return false;
        }
        return false;
    }

    /// <summary>Whether <paramref name="value"/> initialises a static read-only field: it lives as long as the
    /// process.</summary>
    public static bool KeptForGood(IOperation value) =>
        Unconverted(value.Parent) is IFieldInitializerOperation initializer
        && initializer.InitializedFields.All(f => f.IsStatic && f.IsReadOnly);

    /// <summary>Whether <paramref name="value"/> is stored in a field or a property, whose object owns it.</summary>
    public static bool StoredInMember(IOperation value) =>
        Unconverted(value.Parent) is ISimpleAssignmentOperation
        {
            Target: IFieldReferenceOperation or IPropertyReferenceOperation,
        };

    private static IOperation? Unconverted(IOperation? operation)
    {
        while (operation is IConversionOperation { IsImplicit: true }) operation = operation.Parent;
        return operation;
    }
}
