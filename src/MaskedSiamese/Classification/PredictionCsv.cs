using System.Globalization;
using System.Text;
using MaskedSiamese.Data;

namespace MaskedSiamese.Classification;

/// <summary>
/// Predictions as CSV, one row per input file in input order: <c>path,class,probability,top_k,true_class,error</c>.
/// <c>top_k</c> is <c>class:probability</c> pairs joined by <c>;</c>; an unreadable file has empty prediction
/// fields and its reason in <c>error</c>; <c>true_class</c> is empty when unknown. Probabilities are written
/// round-trip (<c>R</c>), so a reader gets the exact doubles back.
/// </summary>
public static class PredictionCsv
{
    /// <summary>The header line.</summary>
    public const string Header = "path,class,probability,top_k,true_class,error";

    /// <summary>Writes the rows of <paramref name="predictions"/> of <paramref name="source"/>'s items.</summary>
    public static void Write(TextWriter writer, ImagePathSource source, ClassPredictions predictions, int topK)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(predictions);
        var rowOf = new Dictionary<int, int>();
        for (int r = 0; r < predictions.Count; r++) rowOf[predictions.Indices[r]] = r;
        writer.Write(Header + "\n");
        for (int i = 0; i < source.Count; i++)
        {
            var sb = new StringBuilder(Field(source.PathOf(i))).Append(',');
            string truth = source.Label(i) >= 0 ? Field(predictions.ClassNames[source.Label(i)]) : "";
            if (rowOf.TryGetValue(i, out int r))
            {
                var top = predictions.TopK(r, topK);
                string list = string.Join(";",
                    top.Select(t => predictions.ClassNames[t.Class] + ":" + Number(t.Probability)));
                sb.Append(Field(predictions.ClassNames[top[0].Class])).Append(',').Append(Number(top[0].Probability))
                    .Append(',').Append(Field(list)).Append(',').Append(truth).Append(',');
            }
            else sb.Append(",,,").Append(truth).Append(',').Append(Field(source.ErrorOf(i) ?? "unreadable"));
            writer.Write(sb.Append('\n').ToString());
        }
    }

    private static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Field(string s) =>
        s.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
}
