using System.Text.Json;
using System.Text.Json.Serialization;
using MaskedSiamese.IO;

namespace MaskedSiamese.Labelling;

/// <summary>What a labelling project is about (<c>project.json</c>): the image folder, the checkpoint whose features
/// guide it (and its SHA-256, so that a changed file is noticed), and the class names in key order.</summary>
public sealed record LabellingProjectSettings(
    [property: JsonPropertyName("images")] string Images,
    [property: JsonPropertyName("checkpoint")] string Checkpoint,
    [property: JsonPropertyName("checkpoint_sha256")] string CheckpointSha256,
    [property: JsonPropertyName("classes")] IReadOnlyList<string> Classes)
{
    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">Not a readable settings file.</exception>
    public static LabellingProjectSettings Read(string path)
    {
        var info = new FileInfo(path);
        if (info.Length > 1 << 20) throw new InvalidDataException($"{path}: {info.Length} bytes, not a project file");
        try
        {
            var settings = JsonSerializer.Deserialize<LabellingProjectSettings>(File.ReadAllText(path));
            if (settings is null || string.IsNullOrEmpty(settings.Images) || string.IsNullOrEmpty(settings.Checkpoint)
                || settings.Classes is null || settings.Classes.Count < 2 || settings.CheckpointSha256 is null)
                throw new InvalidDataException($"{path}: incomplete project file (images, checkpoint, two classes)");
            // An edited file must not reach the session with names it refuses (that was a stack trace, not a line).
            if (settings.Classes
                    .Select(c => c is null ? "a class name is missing" : LabelAnswer.ProblemWithClassName(c))
                    .FirstOrDefault(p => p is not null) is { } problem)
                throw new InvalidDataException($"{path}: {problem}");
            if (settings.Classes.Distinct().Count() != settings.Classes.Count)
                throw new InvalidDataException($"{path}: a class is named twice");
            return settings;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a project file ({e.Message})", e);
        }
    }

    /// <summary>Writes the settings to <paramref name="path"/> atomically.</summary>
    public void Write(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Indented) + "\n");

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
