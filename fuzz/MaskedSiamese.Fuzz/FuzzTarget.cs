namespace MaskedSiamese.Fuzz;

/// <summary>
/// One reader of user files under fuzzing. The input's bytes are written to a file called <see cref="FileName"/>
/// (readers take paths, and some look at the extension) and <see cref="Read"/> reads it the way a command does,
/// checking what it got. Besides a valid result, only the exception types in <see cref="Refusals"/> may come out.
/// </summary>
/// <param name="Name">The target's name on the command line and its corpus folder under <c>fuzz/corpus</c>.</param>
/// <param name="FileName">The name the input is written under.</param>
/// <param name="Read">Reads the file at the given path and checks the result; throws a refusal or a
/// <see cref="FuzzFindingException"/> when the result breaks the reader's promise.</param>
/// <param name="Refusals">The typed refusals the CLI reports in one line with exit 1.</param>
public sealed record FuzzTarget(string Name, string FileName, Action<string> Read, IReadOnlyList<Type> Refusals)
{
    /// <summary>Whether <paramref name="e"/> is one of this target's typed refusals.</summary>
    public bool IsRefusal(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return Refusals.Any(t => t.IsInstanceOfType(e));
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
