using System.Buffers.Binary;
using System.Text.Json;
using MaskedSiamese.Checkpoints;

using MaskedSiamese.Evaluation;

namespace MaskedSiamese.Tests.Evaluation;

public sealed class OfficialExportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("msn-export-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    /// <summary>msn-spec.md §6 for the tiny architecture: D 16, patch 4 at 16 px (N+1 = 17), 2 blocks, MLP 4D,
    /// head 32 → 32 → 8. Written out by hand, independent of the library.</summary>
    private static Dictionary<string, (string Dtype, long[] Shape)> SpecKeys()
    {
        const long d = 16, n1 = 17, p = 4, h = 32, o = 8;
        var keys = new Dictionary<string, (string, long[])>
        {
            ["cls_token"] = ("F32", [1, 1, d]),
            ["pos_embed"] = ("F32", [1, n1, d]),
            ["patch_embed.proj.weight"] = ("F32", [d, 3, p, p]),
            ["patch_embed.proj.bias"] = ("F32", [d]),
            ["norm.weight"] = ("F32", [d]),
            ["norm.bias"] = ("F32", [d]),
            ["fc.fc1.weight"] = ("F32", [h, d]),
            ["fc.fc1.bias"] = ("F32", [h]),
            ["fc.fc2.weight"] = ("F32", [h, h]),
            ["fc.fc2.bias"] = ("F32", [h]),
            ["fc.fc3.weight"] = ("F32", [o, h]),
            ["fc.fc3.bias"] = ("F32", [o]),
        };
        for (int i = 0; i < 2; i++)
        {
            string b = $"blocks.{i}.";
            keys[b + "norm1.weight"] = ("F32", [d]);
            keys[b + "norm1.bias"] = ("F32", [d]);
            keys[b + "attn.qkv.weight"] = ("F32", [3 * d, d]);
            keys[b + "attn.qkv.bias"] = ("F32", [3 * d]);
            keys[b + "attn.proj.weight"] = ("F32", [d, d]);
            keys[b + "attn.proj.bias"] = ("F32", [d]);
            keys[b + "norm2.weight"] = ("F32", [d]);
            keys[b + "norm2.bias"] = ("F32", [d]);
            keys[b + "mlp.fc1.weight"] = ("F32", [4 * d, d]);
            keys[b + "mlp.fc1.bias"] = ("F32", [4 * d]);
            keys[b + "mlp.fc2.weight"] = ("F32", [d, 4 * d]);
            keys[b + "mlp.fc2.bias"] = ("F32", [d]);
        }
        foreach (string bn in new[] { "fc.bn1.", "fc.bn2." })
        {
            foreach (string f in new[] { "weight", "bias", "running_mean", "running_var" }) keys[bn + f] = ("F32", [h]);
            keys[bn + "num_batches_tracked"] = ("I64", []);
        }
        return keys;
    }

    [Fact]
    public void Exported_header_has_exactly_the_official_keys_and_shapes()
    {
        string checkpoint = TinySetup.WriteCheckpoint(_dir);
        string output = Path.Combine(_dir, "export.safetensors");
        using (var ck = MsnCheckpoint.LoadAny(checkpoint)) OfficialExport.Write(ck, output, "tiny");

        // Parse the file by hand: u64 little-endian header length, then the JSON header.
        byte[] bytes = File.ReadAllBytes(output);
        long headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        using var header = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        var expected = SpecKeys();
        var seen = new HashSet<string>();
        long dataLength = bytes.Length - 8 - headerLength;
        foreach (var entry in header.RootElement.EnumerateObject())
        {
            if (entry.Name == "__metadata__")
            {
                Assert.Contains("\"embed_dim\":16", entry.Value.GetProperty("architecture").GetString(),
                    StringComparison.Ordinal);
                continue;
            }
            Assert.True(expected.TryGetValue(entry.Name, out var spec), $"unexpected key {entry.Name}");
            Assert.Equal(spec.Dtype, entry.Value.GetProperty("dtype").GetString());
            Assert.Equal(spec.Shape, entry.Value.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64())
                .ToArray());
            var offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(x => x.GetInt64()).ToArray();
            long elements = spec.Shape.Aggregate(1L, (a, x) => a * x);
            Assert.Equal(elements * (spec.Dtype == "I64" ? 8 : 4), offsets[1] - offsets[0]);
            Assert.InRange(offsets[1], 0, dataLength);
            Assert.DoesNotContain("module.", entry.Name, StringComparison.Ordinal);
            seen.Add(entry.Name);
        }
        Assert.Equal(expected.Keys.Order(), seen.Order());
    }

    [Fact]
    public void Exported_weights_equal_the_target_encoder()
    {
        string checkpoint = TinySetup.WriteCheckpoint(_dir, seed: 7);
        string output = Path.Combine(_dir, "export.safetensors");
        using var ck = MsnCheckpoint.LoadAny(checkpoint);
        OfficialExport.Write(ck, output);
        var file = SafetensorsFile.Read(output);
        Assert.True(ck.TargetEncoder!["blocks.1.attn.qkv.weight"].allclose(file["blocks.1.attn.qkv.weight"], 0, 0));
        Assert.Equal("custom", file.Metadata["model_name"]);
        foreach (var t in file.Tensors.Values) t.Dispose();
    }
}
