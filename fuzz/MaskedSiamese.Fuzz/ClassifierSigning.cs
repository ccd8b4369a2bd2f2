using MaskedSiamese.Checkpoints;
using MaskedSiamese.Classification;
using static TorchSharp.torch;

namespace MaskedSiamese.Fuzz;

/// <summary>
/// Re-signs a classifier file: a mutated file fails its SHA-256 before anything else is looked at, so the
/// <c>classifier-signed</c> target records the digest of what it holds, letting mutations reach the metadata and
/// shape checks behind it (as a file written by hand with a valid digest would).
/// </summary>
public static class ClassifierSigning
{
    /// <summary>Writes the file at <paramref name="path"/> again with the digest of its content as <c>sha256</c> and
    /// returns the new path; a file without the metadata that the digest covers is returned as it is.</summary>
    /// <exception cref="CheckpointFormatException">Not a safetensors file.</exception>
    public static string Resign(string path)
    {
        var file = SafetensorsFile.Read(path);
        try
        {
            var meta = file.Metadata;
            if (!meta.TryGetValue("architecture", out var architecture)
                || !meta.TryGetValue("classifier", out var description))
                return path;
            var tensors = file.Names.Select(n => new KeyValuePair<string, Tensor>(n, file[n])).ToList();
            var signed = new Dictionary<string, string>(meta, StringComparer.Ordinal)
            {
                ["sha256"] = ClassifierFile.Digest(architecture, description, tensors),
            };
            string result = path + ".signed.msnc";
            SafetensorsFile.Write(result, tensors, signed);
            return result;
        }
        finally
        {
            foreach (var t in file.Tensors.Values) t.Dispose();
        }
    }
}
