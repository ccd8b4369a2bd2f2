using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace MaskedSiamese.Checkpoints;

/// <summary>
/// The SHA-256 our files record of what they hold: metadata texts and every tensor (name, dtype, shape, bytes) in name
/// order. It catches damage that leaves sizes intact (a flipped byte); it does not prove who wrote a file, since anyone
/// can compute it again, so every value read is still bounded.
/// </summary>
internal static class ContentDigest
{
    public static string Of(IEnumerable<string> texts, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (string text in texts) hash.AppendData(Encoding.UTF8.GetBytes(text + "\n"));
        foreach (var (name, t) in tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            using var scope = torch.NewDisposeScope();   // cpu() makes a wrapper of its own
            var cpu = t.cpu().contiguous();
            hash.AppendData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                $"{name} {cpu.dtype} [{string.Join(",", cpu.shape)}]\n")));
            hash.AppendData(cpu.bytes);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
