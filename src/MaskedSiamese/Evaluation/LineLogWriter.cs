namespace MaskedSiamese.Evaluation;

/// <summary>A <see cref="TextWriter"/> that hands each line to a log callback: the data openers report unreadable
/// files to a writer, the evaluations to a callback.</summary>
internal sealed class LineLogWriter(Action<string> log) : TextWriter
{
    public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

    public override void WriteLine(string? value) => log(value ?? "");
}
