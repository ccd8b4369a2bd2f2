using System.Text;
using MaskedSiamese.IO;

namespace MaskedSiamese.Labelling;

/// <summary>
/// The answers of a labelling project on disk: a CSV of <c>path,answer</c> rows (the path relative to the image
/// folder, the answer a class name, <c>(skip)</c> or <c>(not sure)</c>), rewritten atomically after every answer, so
/// that killing the process at any moment loses nothing that was acknowledged.
/// </summary>
public sealed class AnswerStore
{
    /// <summary>A store at <paramref name="path"/> (created on first save).</summary>
    public AnswerStore(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>The CSV file.</summary>
    public string Path { get; }

    /// <summary>The answers saved so far, in file order (none when the file does not exist yet).</summary>
    /// <exception cref="InvalidDataException">A row is malformed or names one image twice.</exception>
    public IReadOnlyList<(string Item, string Answer)> Load()
    {
        if (!File.Exists(Path)) return [];
        var rows = new List<(string, string)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int number = 0;
        foreach (string line in File.ReadLines(Path))
        {
            number++;
            if (line.Length == 0 || (number == 1 && line == Header)) continue;
            int comma = line.LastIndexOf(',');
            if (comma <= 0 || comma == line.Length - 1)
                throw new InvalidDataException($"{Path}:{number}: expected 'path,answer'");
            string item = line[..comma], answer = line[(comma + 1)..];
            if (!seen.Add(item)) throw new InvalidDataException($"{Path}:{number}: '{item}' answered twice");
            rows.Add((item, answer));
        }
        return rows;
    }

    /// <summary>Replaces the file with <paramref name="answers"/>, atomically.</summary>
    public void Save(IEnumerable<(string Item, string Answer)> answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var text = new StringBuilder(Header).Append('\n');
        foreach (var (item, answer) in answers) text.Append(item).Append(',').Append(answer).Append('\n');
        AtomicFile.WriteAllText(Path, text.ToString());
    }

    private const string Header = "path,answer";
}
